"""Writes to client records: each is atomic and writes its audit entry in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import BREAK_GLASS_DURATION, BreakGlassAccess, Client
from iptcare.clinic.models import Clinic

CHANGEABLE_FIELDS = (
    "legal_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "email",
    "phone",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    "status",
    "presenting_concerns",
)


class ClientError(ValueError):
    """A change to a client record that the clinic's rules do not allow."""


def _check_therapists(clinic: Clinic, therapists: Iterable[User]) -> list[User]:
    therapists = list(therapists)
    for therapist in therapists:
        if therapist.clinic_id != clinic.pk or not therapist.is_therapist:
            raise ClientError(f"{therapist} is not a therapist of {clinic}.")
    return therapists


@transaction.atomic
def client_create(
    *,
    actor: Actor,
    clinic: Clinic,
    legal_name: str,
    date_of_birth: date,
    therapists: Iterable[User] = (),
    **fields: object,
) -> Client:
    unknown = set(fields) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ClientError(f"Unknown client fields: {', '.join(sorted(unknown))}")
    therapists = _check_therapists(clinic, therapists)
    # Lock the clinic row so two new clients can never get the same chart number.
    locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
    chart_number = f"C{locked.next_chart_number:05d}"
    Clinic.objects.filter(pk=clinic.pk).update(next_chart_number=locked.next_chart_number + 1)
    client = Client.objects.create(
        clinic=clinic,
        chart_number=chart_number,
        legal_name=legal_name,
        date_of_birth=date_of_birth,
        **fields,
    )
    client.therapists.set(therapists)
    access_record(actor=actor, action="create", client=client, target=client)
    return client


@transaction.atomic
def client_update(
    *,
    actor: Actor,
    client: Client,
    therapists: Iterable[User] | None = None,
    **changes: object,
) -> Client:
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ClientError(f"Unknown client fields: {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(client, name) != value]
    for name in changed:
        setattr(client, name, changes[name])
    if changed:
        client.save(update_fields=[*changed, "updated_at"])
    if therapists is not None:
        therapists = _check_therapists(client.clinic, therapists)
        before = set(client.therapists.values_list("pk", flat=True))
        after = {t.pk for t in therapists}
        if before != after:
            client.therapists.set(therapists)
            changed.append("therapists")
    if changed:
        access_record(
            actor=actor,
            action="update",
            client=client,
            target=client,
            detail="changed: " + ", ".join(changed),
        )
    return client


@transaction.atomic
def break_glass(*, actor: Actor, client: Client, reason: str) -> BreakGlassAccess:
    reason = reason.strip()
    if len(reason) < 10:
        raise ClientError("Say why you need the clinical record (at least 10 characters).")
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        clinic=client.clinic,
        client=client,
        user=actor.person,
        reason=reason,
        created_at=now,
        expires_at=now + BREAK_GLASS_DURATION,
    )
    access_record(actor=actor, action="break_glass", client=client, target=access, detail=reason)
    return access
