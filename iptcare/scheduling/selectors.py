"""Reads of schedules, appointments, fees and invoices. Query counts do not grow with rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clients.rules import acting_role
from iptcare.clinic.models import Clinic
from iptcare.clinic.selectors import supervisee_ids
from iptcare.scheduling.kinds import (
    KINDS,
    Window,
    local_midnight,
    local_window,
    overlaps,
    slot_starts,
)
from iptcare.scheduling.models import (
    Appointment,
    AvailabilityException,
    Fee,
    Invoice,
    Payment,
    SchedulingSettings,
    WeeklyAvailability,
)

# ---------------------------------------------------------------------------
# Interfaces used by other apps


def next_appointments(client_ids: Iterable[int]) -> dict[int, Appointment]:
    """Each client's next booked appointment still to come (one query)."""
    ids = list(client_ids)
    found: dict[int, Appointment] = {}
    if not ids:
        return found
    upcoming = (
        Appointment.objects.filter(
            client_id__in=ids, status=Appointment.Status.BOOKED, starts_at__gt=timezone.now()
        )
        .select_related("therapist")
        .order_by("starts_at", "pk")
    )
    for appointment in upcoming:
        if appointment.client_id is not None:
            found.setdefault(appointment.client_id, appointment)
    return found


def upcoming_sessions_for(client: Client, *, within_hours: int) -> list[Appointment]:
    """The client's booked appointments that start within the next `within_hours`."""
    now = timezone.now()
    return list(
        Appointment.objects.filter(
            client=client,
            status=Appointment.Status.BOOKED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=within_hours),
        )
        .select_related("therapist")
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class PublicFee:
    therapist: User
    kind: str
    kind_label: str
    fee: Decimal
    # A practicum student's fee, whether the clinic's practicum rate or one set for them:
    # the public pages mark every one of them as the reduced, supervised fee.
    practicum_reduced: bool


def public_fees(clinic: Clinic) -> list[PublicFee]:
    """Every therapist's fee for each appointment type that has one (three queries)."""
    settings = scheduling_settings_for(clinic)
    therapists = list(
        User.objects.filter(clinic=clinic, is_therapist=True, is_active=True)
        .exclude(therapist_profile=None)
        .select_related("therapist_profile")
        .order_by("full_name")
    )
    fees = _fees_by_key([t.pk for t in therapists])
    rows = []
    for therapist in therapists:
        for kind in KINDS.values():
            amount, _ = fee_amount(therapist, kind.code, fees=fees, settings=settings)
            if amount is not None:
                practicum = therapist.therapist_profile.is_practicum
                rows.append(PublicFee(therapist, kind.code, kind.label, amount, practicum))
    return rows


# ---------------------------------------------------------------------------
# Settings and fees


def scheduling_settings_for(clinic: Clinic | int) -> SchedulingSettings:
    """The clinic's settings, or the defaults (unsaved) when it has never changed them."""
    clinic_id = clinic if isinstance(clinic, int) else clinic.pk
    found = SchedulingSettings.objects.filter(clinic_id=clinic_id).first()
    return found or SchedulingSettings(clinic_id=clinic_id)


def _fees_by_key(therapist_ids: list[int]) -> dict[tuple[int, str], Decimal]:
    return {
        (fee.therapist_id, fee.kind): fee.amount
        for fee in Fee.objects.filter(therapist_id__in=therapist_ids)
    }


def fee_amount(
    therapist: User,
    kind: str,
    *,
    fees: dict[tuple[int, str], Decimal] | None = None,
    settings: SchedulingSettings | None = None,
) -> tuple[Decimal | None, bool]:
    """(fee, came from the practicum rate). A fee set for the therapist wins; a practicum
    student without one charges the clinic's reduced rate; otherwise there is no fee."""
    if fees is None:
        fees = _fees_by_key([therapist.pk])
    if (therapist.pk, kind) in fees:
        return fees[(therapist.pk, kind)], False
    profile = getattr(therapist, "therapist_profile", None)
    if profile is not None and profile.is_practicum:
        settings = settings or scheduling_settings_for(therapist.home_clinic_id)
        return settings.practicum_rate, True
    return None, False


def fees_table(clinic: Clinic) -> list[tuple[User, list[tuple[str, Decimal | None, bool]]]]:
    settings = scheduling_settings_for(clinic)
    therapists = list(
        User.objects.filter(clinic=clinic, is_therapist=True)
        .select_related("therapist_profile")
        .order_by("full_name")
    )
    fees = _fees_by_key([t.pk for t in therapists])
    return [
        (
            t,
            [
                (k.label, *fee_amount(t, k.code, fees=fees, settings=settings))
                for k in KINDS.values()
            ],
        )
        for t in therapists
    ]


# ---------------------------------------------------------------------------
# Availability and free slots


def zone_of(clinic: Clinic) -> ZoneInfo:
    return ZoneInfo(clinic.time_zone)


def windows_for(therapist: User, *, clinic: Clinic, first: date, days: int) -> list[Window]:
    """The therapist's availability windows from `first` for `days` days, minus time off."""
    tz = zone_of(clinic)
    last = first + timedelta(days=days - 1)
    weekly = list(WeeklyAvailability.objects.filter(therapist=therapist))
    off = list(
        AvailabilityException.objects.filter(
            Q(therapist=therapist) | Q(therapist=None),
            clinic=clinic,
            starts_on__lte=last,
            ends_on__gte=first,
        )
    )
    windows = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        if any(e.starts_on <= day <= e.ends_on for e in off):
            continue
        for w in weekly:
            if w.weekday == day.weekday():
                windows.append(local_window(day, w.starts, w.ends, tz, w.location))
    return sorted(windows, key=lambda w: w.starts_at)


def busy_times(
    therapist: User, *, starts: datetime, ends: datetime
) -> list[tuple[datetime, datetime]]:
    now = timezone.now()
    rows = Appointment.objects.filter(
        therapist=therapist,
        status__in=Appointment.HOLDING,
        starts_at__lt=ends,
        ends_at__gt=starts,
    ).values_list("starts_at", "ends_at", "status", "hold_expires_at")
    # An unconfirmed public request stops holding its time when its hold runs out.
    return [
        (s, e)
        for s, e, status, hold in rows
        if not (status == Appointment.Status.PENDING and hold is not None and hold <= now)
    ]


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    location: str


def free_slots(
    therapist: User,
    *,
    clinic: Clinic,
    kind: str,
    first: date,
    days: int,
    not_before: datetime,
) -> list[Slot]:
    """Times the therapist can take an appointment of `kind` (three queries)."""
    minutes = KINDS[kind].minutes
    windows = windows_for(therapist, clinic=clinic, first=first, days=days)
    if not windows:
        return []
    busy = busy_times(therapist, starts=windows[0].starts_at, ends=windows[-1].ends_at)
    slots = []
    for window in windows:
        for start in slot_starts(window, minutes):
            end = start + timedelta(minutes=minutes)
            if start >= not_before and not overlaps(start, end, busy):
                slots.append(Slot(start, end, window.location))
    return slots


def slot_is_available(
    therapist: User, *, clinic: Clinic, kind: str, starts_at: datetime
) -> Slot | None:
    """The slot starting exactly at `starts_at` if it is inside the therapist's
    availability (busy times are checked separately, under the booking lock)."""
    tz = zone_of(clinic)
    day = starts_at.astimezone(tz).date()
    minutes = KINDS[kind].minutes
    # Windows that began the day before can run past midnight only in theory; look at both.
    for window in windows_for(therapist, clinic=clinic, first=day - timedelta(days=1), days=2):
        for start in slot_starts(window, minutes):
            if start == starts_at:
                return Slot(start, start + timedelta(minutes=minutes), window.location)
    return None


def therapists_for_public(clinic: Clinic) -> QuerySet[User]:
    return (
        User.objects.filter(clinic=clinic, is_therapist=True, is_active=True)
        .exclude(therapist_profile=None)
        .select_related("therapist_profile")
        .order_by("full_name")
    )


# ---------------------------------------------------------------------------
# Appointments


def _appointments() -> QuerySet[Appointment]:
    return Appointment.objects.select_related("therapist__therapist_profile", "client", "clinic")


def appointment_get_for(*, actor: Actor, pk: int) -> Appointment:
    """A staff member's view of an appointment: 404 unless they may see it; logs the read."""
    user = actor.user
    if user is None or not user.is_clinic_staff or not 0 < pk < 2**62:
        raise Http404
    appointment = _appointments().filter(clinic_id=user.home_clinic_id, pk=pk).first()
    if appointment is None or not user.has_perm("scheduling.view_appointment", appointment):
        raise Http404
    if appointment.client is not None:
        access_record(
            actor=actor.as_role(acting_role(user, appointment.client)),
            action="read",
            client=appointment.client,
            target=appointment,
        )
    return appointment


def own_appointment_get(*, actor: Actor, pk: int) -> Appointment:
    """A client's own appointment, for the portal; 404 for anybody else's."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    appointment = (
        _appointments()
        .filter(pk=pk, client__user=user, client__clinic_id=user.home_clinic_id)
        .first()
    )
    if appointment is None:
        raise Http404
    access_record(
        actor=actor.as_role("client"), action="read", client=appointment.client, target=appointment
    )
    return appointment


def appointments_of_client(client: Client) -> list[Appointment]:
    return list(
        _appointments()
        .filter(client=client)
        .select_related("invoice")
        .order_by("-starts_at", "-pk")
    )


def consultations_awaiting_client(clinic_id: int, email: str) -> list[Appointment]:
    """A new person's consultations booked on the public site under this email and not yet
    linked to a client record, soonest first."""
    if not email.strip():
        return []
    return list(
        Appointment.objects.filter(
            clinic_id=clinic_id, client__isnull=True, requester_email__iexact=email.strip()
        ).order_by("starts_at")
    )


def portal_appointments(client: Client) -> tuple[list[Appointment], list[Appointment]]:
    """(upcoming booked, the most recent 20 others) for the client's own page."""
    now = timezone.now()
    rows = _appointments().filter(client=client)
    upcoming = list(rows.filter(status=Appointment.Status.BOOKED, starts_at__gt=now))
    past = list(rows.exclude(pk__in=[a.pk for a in upcoming]).order_by("-starts_at")[:20])
    return upcoming, past


def schedule_for(therapist: User, *, clinic: Clinic, week_start: date) -> list[Appointment]:
    tz = zone_of(clinic)
    starts = local_midnight(week_start, tz)
    ends = local_midnight(week_start + timedelta(days=7), tz)
    return list(
        _appointments()
        .filter(therapist=therapist, starts_at__gte=starts, starts_at__lt=ends)
        .exclude(status=Appointment.Status.EXPIRED)
        .select_related("invoice")
        .order_by("starts_at", "pk")
    )


def therapists_visible_to(user: User) -> QuerySet[User]:
    """Whose schedules a staff member may open: their own, their supervisees', or (for an
    administrator) every therapist of the clinic."""
    base = User.objects.filter(clinic_id=user.home_clinic_id, is_therapist=True).order_by(
        "full_name"
    )
    if user.is_clinic_admin:
        return base
    if user.is_supervisor:
        return base.filter(Q(pk=user.pk) | Q(pk__in=supervisee_ids(user)))
    return base.filter(pk=user.pk)


def availability_of(
    therapist: User,
) -> tuple[list[WeeklyAvailability], list[AvailabilityException]]:
    weekly = list(WeeklyAvailability.objects.filter(therapist=therapist))
    today = timezone.now().astimezone(zone_of(therapist.home_clinic)).date()
    off = list(
        AvailabilityException.objects.filter(
            Q(therapist=therapist) | Q(therapist=None),
            clinic_id=therapist.home_clinic_id,
            ends_on__gte=today,
        ).select_related("therapist")
    )
    return weekly, off


# ---------------------------------------------------------------------------
# Invoices


def _invoices() -> QuerySet[Invoice]:
    return (
        Invoice.objects.select_related(
            "client", "therapist__therapist_profile", "appointment", "clinic"
        )
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("received_on")))
        .annotate(paid=Sum("payments__amount"))
    )


def invoices_of_clinic(clinic_id: int, *, unpaid_only: bool = False) -> list[Invoice]:
    rows = list(_invoices().filter(clinic_id=clinic_id).order_by("-issued_at", "-pk"))
    if unpaid_only:
        rows = [i for i in rows if (i.paid or 0) < i.amount]  # type: ignore[attr-defined]  # annotated or prefetched by the query that fetched it
    return rows


def invoice_get_for(*, actor: Actor, pk: int) -> Invoice:
    """An administrator's view of an invoice (404 outside their clinic); logs the read."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    invoice = _invoices().filter(clinic_id=user.home_clinic_id, pk=pk).first()
    if invoice is None or not user.is_clinic_admin:
        raise Http404
    access_record(
        actor=actor.as_role("administrator"), action="read", client=invoice.client, target=invoice
    )
    return invoice


def own_invoices(client: Client) -> list[Invoice]:
    return list(_invoices().filter(client=client).order_by("-issued_at", "-pk"))


def own_invoice_get(*, actor: Actor, pk: int) -> Invoice:
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    invoice = _invoices().filter(pk=pk, client__user=user, clinic_id=user.home_clinic_id).first()
    if invoice is None:
        raise Http404
    return invoice
