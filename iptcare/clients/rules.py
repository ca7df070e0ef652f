"""Who may see and change a client's record.

- A client sees only their own record (through the portal).
- A therapist sees the clients assigned to them.
- A supervisor sees the clients of the therapists they supervise today (any current
  supervision link, primary or not: `clinic.selectors`).
- An administrator sees the clinic's administrative data, and a client's clinical record
  only after breaking the glass (a reason, recorded, valid for an hour).
- Nobody sees another clinic's clients.
- The administrator adds clients.
"""

from __future__ import annotations

import rules
from django.utils import timezone

from iptcare.accounts import rules as roles
from iptcare.accounts.models import Role
from iptcare.clients.models import BreakGlassAccess, Client
from iptcare.clinic.selectors import supervisee_ids


def _same_clinic(user, client: Client) -> bool:
    return bool(user.is_authenticated and user.is_active and user.clinic_id == client.clinic_id)


@rules.predicate
def is_own_record(user, client: Client) -> bool:
    return _same_clinic(user, client) and client.user_id == user.pk


@rules.predicate
def is_assigned_therapist(user, client: Client) -> bool:
    return (
        _same_clinic(user, client)
        and user.is_therapist
        # The link table alone answers it: no join with the users.
        and Client.therapists.through.objects.filter(client_id=client.pk, user_id=user.pk).exists()
    )


@rules.predicate
def supervises_a_therapist_of(user, client: Client) -> bool:
    return (
        _same_clinic(user, client)
        and user.is_supervisor
        # A current supervision link (primary or not) to one of the client's therapists.
        and Client.therapists.through.objects.filter(
            client_id=client.pk, user_id__in=supervisee_ids(user)
        ).exists()
    )


@rules.predicate
def is_clinic_admin_of(user, client: Client) -> bool:
    return _same_clinic(user, client) and user.is_clinic_admin


@rules.predicate
def has_broken_the_glass(user, client: Client) -> bool:
    return (
        is_clinic_admin_of(user, client)
        and BreakGlassAccess.objects.filter(
            client=client, user=user, expires_at__gt=timezone.now()
        ).exists()
    )


is_care_team = is_assigned_therapist | supervises_a_therapist_of


def clinical_role(user, client: Client) -> str | None:
    """The role in which `user` may read `client`'s clinical record (the care team's, or an
    administrator's who broke the glass), or None. The rule behind clients.view_clinical;
    a page that must also log the role asks this once instead of the perm and then
    `acting_role` (each asks the care team)."""
    if is_assigned_therapist(user, client):
        return Role.THERAPIST
    if supervises_a_therapist_of(user, client):
        return Role.SUPERVISOR
    if has_broken_the_glass(user, client):
        return Role.ADMINISTRATOR
    return None


@rules.predicate
def may_read_clinical(user, client: Client) -> bool:
    return clinical_role(user, client) is not None


rules.add_perm("clients.view_record", is_care_team | is_clinic_admin_of)
rules.add_perm("clients.view_clinical", may_read_clinical)
rules.add_perm("clients.change_record", is_clinic_admin_of)
rules.add_perm("clients.break_glass", is_clinic_admin_of & ~is_care_team)
rules.add_perm("clients.view_own", is_own_record)
rules.add_perm("clients.add_client", roles.is_clinic_admin)


def acting_role(user, client: Client) -> str:
    """The role that grants this access, for the audit log (most specific first)."""
    if is_own_record(user, client):
        return Role.CLIENT
    if is_assigned_therapist(user, client):
        return Role.THERAPIST
    if supervises_a_therapist_of(user, client):
        return Role.SUPERVISOR
    return Role.ADMINISTRATOR
