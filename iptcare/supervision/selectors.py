"""Reads for supervision pages, each with a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from iptcare.accounts.models import User
from iptcare.core import dates
from iptcare.courses.models import NoteVersion, SessionNote
from iptcare.courses.services import NOTE_PARTS
from iptcare.supervision import notediff
from iptcare.supervision.models import NoteReview, SupervisionSettings


def supervision_settings(clinic_id: int) -> SupervisionSettings:
    """The clinic's supervision settings; the defaults (unsaved) until an administrator
    changes them."""
    found = SupervisionSettings.objects.filter(clinic_id=clinic_id).first()
    return found or SupervisionSettings(clinic_id=clinic_id)


# --- Review of notes -----------------------------------------------------------------------


def note_version_count(note: SessionNote) -> int:
    """How many times the note has been signed (one query)."""
    return NoteVersion.objects.filter(note=note).count()


def note_return_shown_to_author(note: SessionNote) -> NoteReview | None:
    """The latest return of the note, for its author revising it (one query)."""
    return (
        NoteReview.objects.filter(note=note, decision=NoteReview.Decision.RETURNED)
        .select_related("reviewer")
        .order_by("-at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class PartShown:
    """One named part of a note version, with what changed since the version before."""

    name: str
    label: str
    text: str
    changed: bool
    # The text with the words removed and added since the version before; None for the
    # first version or when nothing changed.
    diff: list[notediff.Segment] | None


@dataclass
class ReviewShown:
    review: NoteReview
    # (part label, comment) in the note's order.
    part_comments: list[tuple[str, str]]


@dataclass
class VersionShown:
    version: NoteVersion
    parts: list[PartShown]
    reviews: list[ReviewShown] = field(default_factory=list)

    @property
    def changed_parts(self) -> int:
        return sum(part.changed for part in self.parts)


def part_text(name: str, value: object) -> str:
    """A recorded field of a snapshot as the note page shows it."""
    if value in (None, "", []):
        return ""
    if name == "date" and isinstance(value, str):
        try:
            return dates.weekday(date.fromisoformat(value))
        except ValueError:
            return value
    if name == "attendance":
        return str(dict(SessionNote.Attendance.choices).get(str(value), value))
    if name == "risk_check":
        return str(dict(SessionNote.RiskCheck.choices).get(str(value), value))
    if name == "techniques" and isinstance(value, list):
        labels = dict(SessionNote.Technique.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    return str(value)


def _part_comments(review: NoteReview) -> list[tuple[str, str]]:
    comments = review.part_comments if isinstance(review.part_comments, dict) else {}
    return [(label, comments[name]) for name, label in NOTE_PARTS.items() if comments.get(name)]


def note_history(note: SessionNote) -> list[VersionShown]:
    """Every signed version of the note, oldest first, each part with what changed since
    the version before, and the reviews of each version. Two queries, however many
    versions and reviews."""
    versions = list(
        NoteVersion.objects.filter(note=note).select_related("signed_by").order_by("number")
    )
    reviews = NoteReview.objects.filter(note=note).select_related("reviewer").order_by("at", "pk")
    by_version: dict[int, list[ReviewShown]] = {}
    for review in reviews:
        by_version.setdefault(review.note_version_id, []).append(
            ReviewShown(review, _part_comments(review))
        )
    shown: list[VersionShown] = []
    previous: dict[str, str] | None = None
    for version in versions:
        snapshot = version.snapshot if isinstance(version.snapshot, dict) else {}
        texts = {name: part_text(name, snapshot.get(name)) for name in NOTE_PARTS}
        parts = []
        for name, label in NOTE_PARTS.items():
            before = previous[name] if previous is not None else None
            changed = before is not None and before != texts[name]
            parts.append(
                PartShown(
                    name=name,
                    label=label,
                    text=texts[name],
                    changed=changed,
                    diff=notediff.word_diff(before or "", texts[name]) if changed else None,
                )
            )
        shown.append(VersionShown(version, parts, by_version.get(version.pk, [])))
        previous = texts
    return shown


@dataclass(frozen=True)
class ReturnedNote:
    note: SessionNote
    returned_by: str
    returned_at: datetime | None


def returned_notes_of(user: User) -> list[ReturnedNote]:
    """The notes returned to this author for revision, oldest return first, with who
    returned each and when. Two queries, however many."""
    notes = list(
        SessionNote.objects.filter(
            clinic_id=user.home_clinic_id,
            author=user,
            status=SessionNote.Status.RETURNED,
        )
        .select_related("course__client")
        .order_by("updated_at", "pk")
    )
    if not notes:
        return []
    latest: dict[int, NoteReview] = {}
    returns = (
        NoteReview.objects.filter(
            note_id__in=[n.pk for n in notes], decision=NoteReview.Decision.RETURNED
        )
        .select_related("reviewer")
        .order_by("at", "pk")
    )
    for one in returns:
        latest[one.note_id] = one  # the last one wins
    rows = []
    for note in notes:
        review = latest.get(note.pk)
        rows.append(
            ReturnedNote(
                note=note,
                returned_by=review.reviewer.full_name if review else "",
                returned_at=review.at if review else None,
            )
        )
    rows.sort(key=lambda row: (row.returned_at or row.note.updated_at, row.note.pk))
    return rows


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
