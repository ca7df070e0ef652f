"""Reads for supervision pages, each with a bounded number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from iptcare.accounts.models import User
from iptcare.courses.models import SessionNote
from iptcare.courses.selectors import notes_awaiting_cosignature
from iptcare.supervision.models import SupervisionSettings


def supervision_settings(clinic_id: int) -> SupervisionSettings:
    """The clinic's supervision settings; the defaults (unsaved) until an administrator
    changes them."""
    found = SupervisionSettings.objects.filter(clinic_id=clinic_id).first()
    return found or SupervisionSettings(clinic_id=clinic_id)


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------

# A draft still unsigned two days after it was opened is overdue: notes are written the
# day of the session, and a student's unsigned note cannot be supervised.
DRAFT_OVERDUE_AFTER = timedelta(hours=48)


@dataclass(frozen=True)
class WaitingNote:
    """A note waiting for co-signature, with how long it has waited."""

    note: SessionNote
    days_waiting: int
    is_late: bool


def notes_waiting_by_author(
    supervisor: User, *, now: datetime, limit_days: int
) -> dict[int, list[WaitingNote]]:
    """Each supervisee's notes waiting for this supervisor, oldest first; those waiting
    longer than the clinic's limit are late (one query)."""
    waiting: dict[int, list[WaitingNote]] = defaultdict(list)
    for note in notes_awaiting_cosignature(supervisor):
        days = (now - note.signed_at).days if note.signed_at else 0
        waiting[note.author_id].append(WaitingNote(note, days, days > limit_days))
    return waiting


def overdue_drafts_by_author(
    author_ids: Iterable[int], *, now: datetime
) -> dict[int, list[SessionNote]]:
    """Each author's drafts opened more than 48 hours ago, oldest first (one query)."""
    drafts: dict[int, list[SessionNote]] = defaultdict(list)
    for note in (
        SessionNote.objects.filter(
            author_id__in=list(author_ids),
            status=SessionNote.Status.DRAFT,
            created_at__lt=now - DRAFT_OVERDUE_AFTER,
        )
        .select_related("course__client")
        .order_by("created_at", "pk")
    ):
        drafts[note.author_id].append(note)
    return drafts
