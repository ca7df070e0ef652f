"""Writing to the access log. Call inside the same transaction as the write it records.

A write (create, update, sign, export, break the glass, ...) is stored at once, in the
transaction of the change it records. A read within a web request is collected instead
(`request_reads`, opened by audit.middleware.AccessLogMiddleware around every request) and
stored when the request ends, one entry per person, role and object however often the
request read it, with `times` saying how often. A read outside a request (a command, a
background task, a test calling a selector) is stored at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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


_ReadKey = tuple[int | None, str, int | None, str, str]


@dataclass
class _RequestReads:
    """The reads one request made so far, one unsaved entry per person, role and object."""

    request_id: str
    entries: dict[_ReadKey, AccessEntry] = field(default_factory=dict)

    def add(self, entry: AccessEntry) -> AccessEntry:
        key: _ReadKey = (
            entry.user_id,
            entry.acting_role,
            entry.client_id,
            entry.object_type,
            entry.object_id,
        )
        kept = self.entries.setdefault(key, entry)
        if kept is not entry:
            kept.times += 1
            # The same object read under another permission (the record, then its clinical
            # part): both are said, the first in its place.
            if entry.detail and entry.detail not in kept.detail.split("; "):
                kept.detail = "; ".join(filter(None, (kept.detail, entry.detail)))[:300]
        return kept


_request_reads: ContextVar[_RequestReads | None] = ContextVar("audit_request_reads", default=None)


@contextmanager
def request_reads(request_id: str) -> Iterator[None]:
    """Collect the reads of the request `request_id` and store them when it ends, whether it
    answered or failed (one INSERT). Reads by an actor of another request id (a system
    actor inside a request) are not collected: they are stored at once."""
    reads = _RequestReads(request_id=request_id)
    token = _request_reads.set(reads)
    try:
        yield
    finally:
        _request_reads.reset(token)
        if reads.entries:
            AccessEntry.objects.bulk_create(reads.entries.values())


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
    entry = AccessEntry(
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
    reads = _request_reads.get()
    if action == AccessEntry.Action.READ and reads is not None and reads.request_id:
        if actor.request_id == reads.request_id:
            return reads.add(entry)  # stored when the request ends: no pk yet
    entry.save()
    return entry
