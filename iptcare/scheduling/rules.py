"""Who may see and change appointments.

- A client sees their own appointments (through the portal pages only).
- Staff see an appointment when they may see the client's record (care team or the
  clinic's administrator) or when they are its therapist (a new person's consultation).
- The appointment's therapist, an assigned therapist and the administrator change it
  (mark attended, cancel); a supervisor only looks.
- Attendance is marked once a booked appointment has started; an appointment is cancelled
  (by the clinic) while it is booked or pending and has not started.
- A client cancelling inside the clinic's notice period is a late cancellation (charged),
  and such an appointment can no longer be moved online.
- Therapists and administrators book and keep hours (a supervisor only looks); a
  therapist changes their own hours and time off, the administrator anyone's and the
  whole clinic's.
- Staff book for a client when they are one of the client's therapists or the
  administrator.
- Invoices, fees and booking settings are the administrator's; a therapist keeps a
  calendar feed of their own appointments.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import rules
from django.utils import timezone

from iptcare.accounts import rules as roles
from iptcare.accounts.models import User
from iptcare.clients.rules import is_assigned_therapist, is_clinic_admin_of
from iptcare.scheduling.models import Appointment, AvailabilityException, WeeklyAvailability

Hours = WeeklyAvailability | AvailabilityException


def is_inside_notice_period(
    appointment: Appointment, *, notice_hours: int, now: datetime | None = None
) -> bool:
    """Whether the appointment starts within the notice period: a client cancelling it now
    cancels late (and is charged), and can no longer move it online."""
    return appointment.starts_at - (now or timezone.now()) < timedelta(hours=notice_hours)


def _same_clinic(user, appointment: Appointment) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.clinic_id == appointment.clinic_id
    )


@rules.predicate
def is_its_therapist(user, appointment: Appointment) -> bool:
    return _same_clinic(user, appointment) and appointment.therapist_id == user.pk


@rules.predicate
def is_clinic_admin(user, appointment: Appointment) -> bool:
    return _same_clinic(user, appointment) and user.is_clinic_admin


@rules.predicate
def may_see_the_client(user, appointment: Appointment) -> bool:
    return (
        _same_clinic(user, appointment)
        and appointment.client is not None
        and user.has_perm("clients.view_record", appointment.client)
    )


@rules.predicate
def treats_the_client(user, appointment: Appointment) -> bool:
    return appointment.client is not None and is_assigned_therapist(user, appointment.client)


@rules.predicate
def is_booked(user: object, appointment: Appointment) -> bool:
    return appointment.status == Appointment.Status.BOOKED


@rules.predicate
def is_booked_or_pending(user: object, appointment: Appointment) -> bool:
    return appointment.status in (Appointment.Status.BOOKED, Appointment.Status.PENDING)


@rules.predicate
def has_started(user: object, appointment: Appointment) -> bool:
    return appointment.starts_at <= timezone.now()


@rules.predicate
def owns_the_hours(user: object, hours: Hours) -> bool:
    """The therapist's own weekly hours or time off (the whole clinic's has no therapist)."""
    return (
        isinstance(user, User)
        and user.clinic_id == hours.clinic_id
        and hours.therapist_id is not None
        and hours.therapist_id == user.pk
    )


@rules.predicate
def runs_the_clinic_of(user: object, hours: Hours) -> bool:
    return isinstance(user, User) and user.is_clinic_admin and user.clinic_id == hours.clinic_id


books_and_keeps_hours = roles.is_therapist | roles.is_clinic_admin
may_change = is_its_therapist | is_clinic_admin | treats_the_client

rules.add_perm(
    "scheduling.view_appointment", is_its_therapist | is_clinic_admin | may_see_the_client
)
rules.add_perm("scheduling.change_appointment", may_change)
# The appointment's own facts first: they cost no query.
rules.add_perm("scheduling.mark_attendance", is_booked & has_started & may_change)
rules.add_perm("scheduling.cancel_appointment", is_booked_or_pending & ~has_started & may_change)
rules.add_perm("scheduling.book", books_and_keeps_hours)
rules.add_perm("scheduling.book_for_client", is_assigned_therapist | is_clinic_admin_of)
rules.add_perm("scheduling.change_hours", owns_the_hours | runs_the_clinic_of)
rules.add_perm("scheduling.add_clinic_time_off", roles.is_clinic_admin)
rules.add_perm("scheduling.view_invoices", roles.is_clinic_admin)
rules.add_perm("scheduling.change_settings", roles.is_clinic_admin)
rules.add_perm("scheduling.keep_calendar_feed", roles.is_therapist)
