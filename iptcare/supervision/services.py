"""Writes to supervision records: atomic, audited, version-checked."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from iptcare.audit.services import Actor
from iptcare.courses import services as course_services
from iptcare.courses.models import NoteVersion, SessionNote
from iptcare.courses.services import NOTE_PARTS, CourseError, signature_identity_check
from iptcare.supervision.models import NoteReview

# --- Review of notes -----------------------------------------------------------------------

COMMENT_MAX = 10_000
PART_COMMENT_MAX = 2_000


class ReviewError(CourseError):
    """A review the loop refuses; `field` names the form field it is about."""


def _latest_version(note: SessionNote) -> NoteVersion:
    version = NoteVersion.objects.filter(note=note).order_by("-number").first()
    if version is None:  # every signing keeps one; a note never signed cannot wait
        raise ReviewError("This note has no signed version to review.")
    return version


def _clean_comment(text: object, limit: int, field: str) -> str:
    if not isinstance(text, str):
        raise ReviewError("Write the comment as text.", field)
    text = text.replace("\x00", "").strip()
    if len(text) > limit:
        raise ReviewError(f"Keep this to {limit:,} characters or fewer.", field)
    return text


def _clean_part_comments(part_comments: Mapping[str, object] | None) -> dict[str, str]:
    if part_comments is None:
        return {}
    if not isinstance(part_comments, Mapping):
        raise ReviewError("Give the comments on parts of the note by part name.")
    unknown = sorted(str(name) for name in part_comments if name not in NOTE_PARTS)
    if unknown:
        raise ReviewError(
            f"The note has no part called {', '.join(unknown)}: comment on "
            f"{', '.join(NOTE_PARTS.values())}."
        )
    cleaned = {}
    for name in NOTE_PARTS:  # the note's order
        if name in part_comments:
            text = _clean_comment(part_comments[name], PART_COMMENT_MAX, f"part_{name}")
            if text:
                cleaned[name] = text
    return cleaned


def note_return(
    *,
    actor: Actor,
    note: SessionNote,
    version: int,
    comment: str,
    part_comments: Mapping[str, object] | None = None,
    secret: str | None = None,
) -> NoteReview:
    """The supervisor returns a note waiting for co-signature to its author for revision,
    with a general comment (required) and comments on named parts of the note. Only a
    current supervisor of the author may (courses' `courses.cosign_note`), never the
    author; `version` is the note's version the supervisor read, so a review of a note
    that changed since is refused. `secret`: the password or two-step code, where the
    clinic asks for it again (checked before the transaction: see
    courses.services.signature_identity_check)."""
    signature_identity_check(actor=actor, clinic_id=note.clinic_id, secret=secret)
    return _note_return(
        actor=actor, note=note, version=version, comment=comment, part_comments=part_comments
    )


@transaction.atomic
def _note_return(
    *,
    actor: Actor,
    note: SessionNote,
    version: int,
    comment: str,
    part_comments: Mapping[str, object] | None,
) -> NoteReview:
    # Who may, and whether the note still waits, first; the comments after. A refusal
    # rolls the reopening back with the rest.
    reopened = course_services.note_reopen(actor=actor, note=note, version=version)
    comment = _clean_comment(comment, COMMENT_MAX, "comment")
    if not comment:
        raise ReviewError(
            "Say what needs revising: a general comment is required to return a note.",
            "comment",
        )
    parts = _clean_part_comments(part_comments)
    return NoteReview.objects.create(
        clinic_id=reopened.clinic_id,
        note=reopened,
        note_version=_latest_version(reopened),
        decision=NoteReview.Decision.RETURNED,
        comment=comment,
        part_comments=parts,
        reviewer=actor.person,
    )


def note_cosign(
    *,
    actor: Actor,
    note: SessionNote,
    version: int,
    comment: str = "",
    secret: str | None = None,
) -> NoteReview:
    """The supervisor co-signs a note waiting for co-signature (it becomes final), with
    an optional comment; the same checks as `note_return`."""
    signature_identity_check(actor=actor, clinic_id=note.clinic_id, secret=secret)
    return _note_cosign(actor=actor, note=note, version=version, comment=comment)


@transaction.atomic
def _note_cosign(*, actor: Actor, note: SessionNote, version: int, comment: str) -> NoteReview:
    final = course_services.note_cosign(actor=actor, note=note, version=version)
    return NoteReview.objects.create(
        clinic_id=final.clinic_id,
        note=final,
        note_version=_latest_version(final),
        decision=NoteReview.Decision.COSIGNED,
        comment=_clean_comment(comment, COMMENT_MAX, "comment"),
        part_comments={},
        reviewer=actor.person,
    )


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
