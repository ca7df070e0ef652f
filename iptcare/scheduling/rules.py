"""Who may see and change appointments.

- A client sees their own appointments (through the portal pages only).
- Staff see an appointment when they may see the client's record (care team or the
  clinic's administrator) or when they are its therapist (a new person's consultation).
- The appointment's therapist, an assigned therapist and the administrator change it
  (mark attended, cancel); a supervisor only looks.
- Staff book for a client when they are one of the client's therapists or the
  administrator.
"""

from __future__ import annotations

import rules

from iptcare.clients.rules import is_assigned_therapist, is_clinic_admin_of
from iptcare.scheduling.models import Appointment


def _same_clinic(user, appointment: Appointment) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        user.is_authenticated and user.is_active and user.clinic_id == appointment.clinic_id
    )


@rules.predicate
def is_its_therapist(user, appointment: Appointment) -> bool:  # type: ignore[no-untyped-def]
    return _same_clinic(user, appointment) and appointment.therapist_id == user.pk


@rules.predicate
def is_clinic_admin(user, appointment: Appointment) -> bool:  # type: ignore[no-untyped-def]
    return _same_clinic(user, appointment) and user.is_clinic_admin


@rules.predicate
def may_see_the_client(user, appointment: Appointment) -> bool:  # type: ignore[no-untyped-def]
    return (
        _same_clinic(user, appointment)
        and appointment.client is not None
        and user.has_perm("clients.view_record", appointment.client)
    )


@rules.predicate
def treats_the_client(user, appointment: Appointment) -> bool:  # type: ignore[no-untyped-def]
    return appointment.client is not None and is_assigned_therapist(user, appointment.client)


rules.add_perm(
    "scheduling.view_appointment", is_its_therapist | is_clinic_admin | may_see_the_client
)
rules.add_perm(
    "scheduling.change_appointment", is_its_therapist | is_clinic_admin | treats_the_client
)
rules.add_perm("scheduling.book_for_client", is_assigned_therapist | is_clinic_admin_of)
