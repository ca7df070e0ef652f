"""Read-only supervision routes of the signed-in person's scope."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema

from iptcare.accounts.models import Role
from iptcare.audit.services import access_record, actor_from_request
from iptcare.core.parsing import ID_MAX
from iptcare.supervision.models import FidelityRating
from iptcare.supervision.selectors import (
    fidelity_note_get_for,
    fidelity_ratings_of_note,
    fidelity_ratings_visible_to,
)

router = Router(tags=["supervision"])


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


class FidelityScoreOut(Schema):
    item: str
    text: str
    score: int | None  # None: not applicable


class FidelityRatingOut(Schema):
    id: int
    note_id: int
    session_number: int
    session_date: date
    client_chart_number: str
    therapist_id: int
    kind: str
    rater: str
    scale: str
    scale_version: str
    phase: str
    mean: Decimal | None
    recording_reference: str
    comment: str
    scores: list[FidelityScoreOut]
    updated_at: datetime
    version: int


def _rating_out(rating: FidelityRating) -> FidelityRatingOut:
    note = rating.note
    return FidelityRatingOut(
        id=rating.pk,
        note_id=note.pk,
        session_number=note.number,
        session_date=note.date,
        client_chart_number=note.course.client.chart_number,
        therapist_id=note.author_id,
        kind=rating.kind,
        rater=rating.rater.full_name,
        scale=rating.scale.code,
        scale_version=rating.scale.version,
        phase=rating.phase,
        mean=rating.mean,
        recording_reference=rating.recording_reference,
        comment=rating.comment,
        scores=[
            FidelityScoreOut(item=s.item.code, text=s.item.text, score=s.score)
            for s in sorted(rating.scores.all(), key=lambda s: s.item.order)
        ],
        updated_at=rating.updated_at,
        version=rating.version,
    )


@router.get("/fidelity/ratings", response=list[FidelityRatingOut], url_name="fidelity_ratings")
def fidelity_ratings(request, limit: int = 50, offset: int = Query(0, ge=0, le=ID_MAX)):
    """Fidelity ratings the signed-in person may read: their supervisees' sessions' and
    their own sessions', newest session first."""
    user = request.auth
    if not user.is_clinic_staff:
        raise PermissionDenied
    limit = max(1, min(limit, 200))
    ratings = list(fidelity_ratings_visible_to(user)[offset : offset + limit])
    actor = actor_from_request(request)
    for rating in ratings:
        role = Role.THERAPIST if rating.note.author_id == user.pk else Role.SUPERVISOR
        access_record(
            actor=actor.as_role(role),
            action="read",
            client=rating.note.course.client,
            target=rating,
        )
    return [_rating_out(r) for r in ratings]


@router.get(
    "/fidelity/notes/{int:note_id}/ratings",
    response=list[FidelityRatingOut],
    url_name="fidelity_note_ratings",
)
def fidelity_note_ratings(request, note_id: int):
    """The fidelity ratings of one session (404 outside the person's scope)."""
    note = fidelity_note_get_for(actor=actor_from_request(request), pk=note_id)
    ratings = fidelity_ratings_of_note(note)
    for rating in ratings:
        rating.note = note
    return [_rating_out(r) for r in ratings]


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
