"""Read-only supervision routes of the signed-in person's scope."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from iptcare.accounts.models import Role, User
from iptcare.audit.services import access_record, actor_from_request
from iptcare.core.parsing import ID_MAX
from iptcare.courses.selectors import clinic_today
from iptcare.supervision import selectors
from iptcare.supervision.models import FidelityRating
from iptcare.supervision.selectors import (
    fidelity_note_get_for,
    fidelity_ratings_of_note,
    fidelity_ratings_visible_to,
    log_record_reads,
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


class ActionOut(Schema):
    id: int
    text: str
    supervisee: str | None
    due_on: date | None
    done_on: date | None


class MeetingOut(Schema):
    id: int
    date: date
    minutes: int
    kind: str
    supervisor: str
    supervisees: list[str]
    clients_discussed: list[str] = Field(description="Chart numbers, never names.")
    recordings_reviewed: str
    notes: str
    actions: list[ActionOut]
    version: int


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_clinic_staff:
        raise PermissionDenied
    return user


@router.get("/log", response=list[MeetingOut], url_name="supervision_log")
def supervision_log(request: HttpRequest, limit: int = Query(50, ge=1, le=200)):
    """The meetings in the signed-in person's scope, newest first: a supervisor's own, a
    supervisee's attended. An administrator sees totals only (the hours route)."""
    user = _staff(request)
    if not (user.is_supervisor or user.is_therapist):
        raise PermissionDenied
    meetings = list(selectors.meetings_for(user)[:limit])
    log_record_reads(actor=actor_from_request(request), meetings=meetings)
    return [
        MeetingOut(
            id=m.pk,
            date=m.date,
            minutes=m.minutes,
            kind=m.kind,
            supervisor=m.supervisor.full_name,
            supervisees=[s.full_name for s in m.supervisees.all()],
            clients_discussed=[c.chart_number for c in m.clients_discussed.all()],
            recordings_reviewed=m.recordings_reviewed,
            notes=m.notes,
            actions=[
                ActionOut(
                    id=a.pk,
                    text=a.text,
                    supervisee=a.supervisee.full_name if a.supervisee else None,
                    due_on=a.due_on,
                    done_on=a.done_on,
                )
                for a in m.actions.all()
            ],
            version=m.version,
        )
        for m in meetings
    ]


# --- Practicum hours -----------------------------------------------------------------------


class HoursOut(Schema):
    supervisee_id: int
    supervisee: str
    period_from: date
    period_to: date
    session_count: int
    direct_minutes: int
    meeting_count: int
    supervision_minutes: int
    signed_off_by: str | None
    signed_off_at: datetime | None
    sign_off_current: bool = Field(description="False when the hours changed after sign-off.")


@router.get("/hours", response=HoursOut, url_name="supervision_hours")
def supervision_hours(
    request: HttpRequest,
    supervisee: int | None = Query(None, ge=1, le=10**18 - 1),
    month: str | None = Query(None, pattern=r"^[0-9]{4}-[0-9]{2}$"),
):
    """A person's practicum hours totals for a month (this month by default): one's own,
    a supervisee's, or for an administrator anyone's of the clinic. Totals only."""
    user = _staff(request)
    person = selectors.therapist_get_for(
        user=user, pk=supervisee or user.pk, perm="supervision.view_hours"
    )
    today = clinic_today(person.home_clinic)
    if month:
        asked = selectors.month_from_key(month)
        if asked is None:
            raise HttpError(422, "Give the month as 2026-08.")
        today = asked
    start, end = selectors.month_period(today)
    hours = selectors.hours_for(person, period_from=start, period_to=end)
    sign_off = hours.sign_off
    return HoursOut(
        supervisee_id=person.pk,
        supervisee=person.full_name,
        period_from=start,
        period_to=end,
        session_count=len(hours.sessions),
        direct_minutes=hours.direct_minutes,
        meeting_count=len(hours.meetings),
        supervision_minutes=hours.supervision_minutes,
        signed_off_by=sign_off.signed_by.full_name if sign_off else None,
        signed_off_at=sign_off.signed_at if sign_off else None,
        sign_off_current=hours.sign_off_is_current,
    )


# --- Certification -------------------------------------------------------------------------


class CheckOut(Schema):
    requirement: str
    label: str
    done: bool
    missing: str


class CaseOut(Schema):
    course_id: int
    label: str
    counts: bool
    checks: list[CheckOut]


class CertificationOut(Schema):
    therapist_id: int
    standard: str
    standard_name: str
    cases_required: int
    cases_counted: int
    consultation_hours_required: int
    consultation_hours: float
    complete: bool
    missing: list[str]
    cases: list[CaseOut]


@router.get(
    "/certification/{int:supervisee_id}",
    response=CertificationOut,
    url_name="supervision_certification",
)
def certification_get(request: HttpRequest, supervisee_id: int) -> CertificationOut:
    """A therapist's certification progress (their own, or a supervisee's)."""
    person = selectors.therapist_get_for(
        user=request.user,  # type: ignore[arg-type]  # django_auth lets only signed-in users in
        pk=supervisee_id,
        perm="supervision.view_certification",
    )
    progress = selectors.certification_progress(person)
    return CertificationOut(
        therapist_id=person.pk,
        standard=progress.standard.code,
        standard_name=progress.standard.name,
        cases_required=progress.standard.cases,
        cases_counted=len(progress.counted),
        consultation_hours_required=progress.standard.consultation_hours,
        consultation_hours=progress.consultation_hours,
        complete=progress.complete,
        missing=progress.missing,
        cases=[
            CaseOut(
                course_id=case.evidence.course_id,
                label=case.evidence.label,
                counts=case.counts,
                checks=[
                    CheckOut(
                        requirement=c.requirement, label=c.label, done=c.done, missing=c.missing
                    )
                    for c in case.checks
                ],
            )
            for case in progress.cases
        ],
    )


# --- Supervisor's home ---------------------------------------------------------------------
