"""Reads of client records. Every read of one client's record is written to the audit log."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clients.rules import acting_role
from iptcare.clinic.selectors import supervisee_ids


def clients_visible_to(user: User) -> QuerySet[Client]:
    """Clients whose administrative record this staff member may list."""
    base = Client.objects.filter(clinic_id=user.home_clinic_id)
    if user.is_clinic_admin:
        return base
    care = Q(pk__in=[])
    if user.is_therapist:
        care |= Q(therapists=user)
    if user.is_supervisor:
        care |= Q(therapists__in=supervisee_ids(user))
    return base.filter(pk__in=base.filter(care).values("pk"))


def client_get_for(*, actor: Actor, pk: int, perm: str = "clients.view_record") -> Client:
    """The client, if the actor may see it under `perm`; else 404 (no existence leak).

    Records the read in the access log with the role that granted it.
    """
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    client = (
        Client.objects.filter(clinic_id=user.home_clinic_id, pk=pk)
        .select_related("clinic", "user")
        .prefetch_related("therapists__therapist_profile")
        .first()
    )
    if client is None or not user.has_perm(perm, client):
        raise Http404
    role = acting_role(user, client)
    access_record(
        actor=actor.as_role(role), action="read", client=client, target=client, detail=perm
    )
    return client


def own_record_for(*, actor: Actor) -> Client:
    """A client's own record, for the portal."""
    client = (
        Client.objects.filter(user=actor.person, clinic_id=actor.person.home_clinic_id)
        .select_related("clinic")
        .prefetch_related("therapists__therapist_profile")
        .first()
    )
    if client is None:
        raise Http404
    access_record(actor=actor.as_role("client"), action="read", client=client, target=client)
    return client


def caseload_for(user: User) -> QuerySet[Client]:
    """The therapist's own clients who are in intake or active care."""
    return (
        Client.objects.filter(clinic_id=user.home_clinic_id, therapists=user)
        .exclude(status=Client.Status.DISCHARGED)
        .prefetch_related("therapists")
        .order_by("legal_name", "pk")
    )
