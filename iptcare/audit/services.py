"""Writing to the access log. Call inside the same transaction as the write it records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from iptcare.audit.models import AccessEntry
from iptcare.core.addresses import client_address

if TYPE_CHECKING:
    from iptcare.accounts.models import User
    from iptcare.clients.models import Client


@dataclass(frozen=True)
class Actor:
    """The person acting, the role they act in, and where the request came from."""

    user: User | None
    role: str
    ip: str | None = None
    request_id: str = ""

    @property
    def person(self) -> User:
        """The signed-in person acting: what records an author (a note, a payment) needs."""
        if self.user is None:
            raise PermissionDenied("This needs a signed-in person.")
        return self.user

    def as_role(self, role: str) -> Actor:
        return Actor(user=self.user, role=role, ip=self.ip, request_id=self.request_id)


def actor_from_request(request: HttpRequest, role: str = "") -> Actor:
    user = request.user if request.user.is_authenticated else None
    return Actor(
        user=user,
        role=role,
        ip=client_address(request),
        request_id=getattr(request, "request_id", ""),
    )


def access_record(
    *,
    actor: Actor,
    action: str,
    client: Client | None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    detail: str = "",
) -> AccessEntry:
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    clinic_id = client.clinic_id if client is not None else getattr(actor.user, "clinic_id", None)
    return AccessEntry.objects.create(
        clinic_id=clinic_id,
        user=actor.user,
        acting_role=actor.role,
        action=action,
        client=client,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:300],
        ip=actor.ip,
        request_id=actor.request_id,
    )
