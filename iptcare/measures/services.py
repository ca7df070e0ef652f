"""Writes: storing answers, raising, closing and escalating risk flags. Each is atomic and
audited in the same transaction; emails go out only after the commit."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clinic.selectors import primary_supervisor_of
from iptcare.courses.models import Course
from iptcare.measures import instruments, scoring
from iptcare.measures.models import (
    FlagAction,
    ItemAnswer,
    MeasurementPlan,
    PlanItem,
    QuestionnaireResponse,
    RiskFlag,
)
from iptcare.measures.selectors import enabled_codes

log = logging.getLogger(__name__)

ESCALATE_AFTER = timedelta(hours=24)
SYSTEM = Actor(user=None, role="system", request_id="measures")


class MeasureError(ValueError):
    """Answers or a flag action the clinic's rules do not allow; nothing was stored."""


# --- storing answers -----------------------------------------------------------------------


def _check_submission(course: Course, code: str, session_number: object) -> None:
    if code not in enabled_codes(course.clinic_id):
        raise MeasureError(f"{code!r} is not one of the questionnaires this clinic uses.")
    if not course.is_open:
        raise MeasureError("This course has ended; answers can no longer be added to it.")
    if isinstance(session_number, bool) or not isinstance(session_number, int):
        raise MeasureError("The session number must be a whole number.")
    if session_number < 1:
        raise MeasureError("The session number must be 1 or more.")
    if course.planned_sessions is not None and session_number > course.planned_sessions:
        raise MeasureError(
            f"Session {session_number} is past the {course.planned_sessions} planned sessions."
        )


def _score(
    course: Course, code: str, answers: Sequence[scoring.Answer], extras: Mapping[str, object]
) -> scoring.Score:
    if code != instruments.MOOD.code:
        return scoring.score(code, answers, extras=extras or None)
    # The mood rating is one number, not a questionnaire: the position is the rating.
    if len(answers) != 1:
        raise MeasureError("The mood rating takes exactly one answer.")
    rating = scoring.validate_mood_rating(answers[0], ipt_a=course.protocol == "ipt_a")
    return scoring.Score(
        instrument="mood",
        complete=True,
        total=rating,
        prorated=False,
        severity=None,
        severity_label=None,
        risk=False,
        risk_items=(),
        answered=1,
        item_scores=(rating,),
    )


def risk_reason(
    code: str, risk_items: Sequence[scoring.RiskItemRef], answers: Sequence[object]
) -> str:
    """What made the answer risky, in words a therapist reads at a glance."""
    instrument = instruments.get(code)
    parts = []
    for ref in risk_items:
        if isinstance(ref, int):
            item = instrument.item(ref)
            position = answers[ref - 1]
            chosen = item.options[position].label if isinstance(position, int) else "?"
            parts.append(f"item {ref} answered “{chosen}”")
        else:
            question = instrument.extra(ref)
            parts.append(f"“yes” to {question.key.replace('_', ' ') if question else ref}")
    return f"{instrument.short_name}: {', '.join(parts)}"[:300]


def response_submit(
    *,
    actor: Actor,
    course: Course,
    code: str,
    answers: Sequence[scoring.Answer],
    extras: Mapping[str, object] | None = None,
    session_number: int,
    idempotency_key: str,
    administered: str | None = None,
) -> QuestionnaireResponse:
    """Score and store one questionnaire, item by item; raise a flag on a risky answer.

    A second call with the same idempotency key (double click, retry) returns the stored
    response and stores nothing: the key's unique constraint decides, so even two racing
    requests store one. So does a second send for the same session (two tabs or devices,
    each with its own key): one response per questionnaire and session, one risk flag.
    Impossible answers raise `ScoringError`/`MeasureError` and store nothing.
    """
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise MeasureError("The form has expired; please reload the page and answer again.")
    try:
        return _response_store(
            actor=actor,
            course=course,
            code=code,
            answers=list(answers),
            extras=dict(extras or {}),
            session_number=session_number,
            key=key,
            administered=administered,
        )
    except IntegrityError:
        # `_response_store` ran in its own savepoint: nothing of this send is left.
        existing = QuestionnaireResponse.objects.filter(idempotency_key=key).first()
        if existing is not None and (existing.course_id != course.pk or existing.code != code):
            raise MeasureError(
                "The form has expired; please reload the page and answer again."
            ) from None
        if existing is None:
            existing = QuestionnaireResponse.objects.filter(
                course=course, code=code, session_number=session_number, duplicate_of=None
            ).first()
        if existing is None:
            raise
        # Nothing stored, but the stored answer is shown again: that is a read.
        access_record(
            actor=actor,
            action="read",
            client=course.client,
            target=existing,
            detail="the same questionnaire sent again",
        )
        return existing


@transaction.atomic
def _response_store(
    *,
    actor: Actor,
    course: Course,
    code: str,
    answers: list[scoring.Answer],
    extras: dict[str, object],
    session_number: int,
    key: str,
    administered: str | None,
) -> QuestionnaireResponse:
    _check_submission(course, code, session_number)
    result = _score(course, code, answers, extras)
    if administered is None:
        own = actor.user is not None and actor.user.pk == course.client.user_id
        administered = (
            QuestionnaireResponse.Administered.PORTAL
            if own
            else QuestionnaireResponse.Administered.IN_SESSION
        )
    response = QuestionnaireResponse.objects.create(
        clinic_id=course.clinic_id,
        course=course,
        client_id=course.client_id,
        code=code,
        session_number=session_number,
        administered=administered,
        submitted_by=actor.user,
        complete=result.complete,
        total=result.total,
        prorated=result.prorated,
        severity=result.severity or "",
        risk=result.risk,
        risk_items=list(result.risk_items),
        risk_items_unanswered=list(result.risk_items_unanswered),
        extras=dict(result.extras),
        pcl5_cluster_rule_met=result.pcl5_cluster_rule_met,
        idempotency_key=key,
    )
    ItemAnswer.objects.bulk_create(
        ItemAnswer(
            response=response,
            item_number=number,
            position=answer if isinstance(answer, int) else None,
            not_applicable=answer == instruments.NOT_APPLICABLE,
            score=item_score,
        )
        for number, (answer, item_score) in enumerate(
            zip(answers, result.item_scores, strict=True), start=1
        )
    )
    access_record(
        actor=actor,
        action="create",
        client=course.client,
        target=response,
        detail=f"{code} session {session_number}",
    )
    # A flag the clinic raised while the client was answering is this response's flag.
    pending = (
        RiskFlag.objects.filter(course_id=course.pk, draft_key=key, response=None).first()
        if administered == QuestionnaireResponse.Administered.PORTAL
        else None
    )
    if pending is not None:
        _flag_attach(actor=actor, flag=pending, response=response, answers=answers)
    elif result.risk:
        _flag_raise(actor=actor, response=response, answers=answers)
    return response


def risk_flag_before_sending(
    *,
    actor: Actor,
    course: Course,
    code: str,
    answers: Sequence[object],
    extras: Mapping[str, object],
    key: str,
) -> RiskFlag | None:
    """A risky answer picked in the portal, not yet sent: where the clinic chose so
    (`Clinic.flag_unsent_risk_answers`), the flag is raised now, so the therapist is told
    even if the client closes the page without sending. One flag per form (its key),
    however often the answers are saved; the sent answers attach to it. None where
    nothing is raised."""
    if not course.clinic.flag_unsent_risk_answers or not 8 <= len(key) <= 64:
        return None
    risky = scoring.risky_items(instruments.get(code), answers, extras=extras)
    existing = RiskFlag.objects.filter(draft_key=key).first()
    if existing is not None or not risky:
        return existing if existing is not None and existing.course_id == course.pk else None
    reason = f"{risk_reason(code, risky, answers)}, picked before sending"
    try:
        with transaction.atomic():
            flag = RiskFlag.objects.create(
                clinic_id=course.clinic_id,
                course_id=course.pk,
                client_id=course.client_id,
                draft_key=key,
                reason=reason[:300],
            )
            access_record(
                actor=actor,
                action="create",
                client=course.client,
                target=flag,
                detail="risk flag raised before the answers were sent",
            )
    except IntegrityError:  # the same form saved twice at once: the other raised it
        return RiskFlag.objects.filter(draft_key=key).first()
    therapist_email = course.therapist.email
    flag_pk = flag.pk
    transaction.on_commit(lambda: _mail_flag(flag_pk, [therapist_email], escalated=False))
    return flag


def _flag_attach(
    *,
    actor: Actor,
    flag: RiskFlag,
    response: QuestionnaireResponse,
    answers: Sequence[object],
) -> None:
    """The sent answers join the flag raised while they were picked. Answers changed
    before sending leave the flag open: the therapist still hears that it was picked."""
    if response.risk:
        reason = risk_reason(response.code, response.risk_items, answers)
    else:
        reason = f"{flag.reason}; changed before sending (the answers sent raise no flag)"
    RiskFlag.objects.filter(pk=flag.pk).update(response=response, reason=reason[:300])
    flag.response, flag.reason = response, reason[:300]
    access_record(
        actor=actor,
        action="update",
        client=response.course.client,
        target=flag,
        detail="risk flag: the answers were sent",
    )


def _flag_raise(
    *, actor: Actor, response: QuestionnaireResponse, answers: Sequence[object]
) -> RiskFlag:
    flag = RiskFlag.objects.create(
        clinic_id=response.clinic_id,
        course_id=response.course_id,
        client_id=response.client_id,
        response=response,
        reason=risk_reason(response.code, response.risk_items, answers),
        raised_at=response.submitted_at,
    )
    access_record(
        actor=actor,
        action="create",
        client=response.course.client,
        target=flag,
        detail="risk flag raised",
    )
    therapist_email = response.course.therapist.email
    flag_pk = flag.pk
    transaction.on_commit(lambda: _mail_flag(flag_pk, [therapist_email], escalated=False))
    return flag


def _mail_flag(flag_pk: int, recipients: list[str], *, escalated: bool) -> None:
    # No client name or answer in the email: it only points to the page behind the login.
    url = settings.SITE_URL.rstrip("/") + reverse("measures:flag", args=[flag_pk])
    if escalated:
        subject = "IPTCare: a risk flag has been open for 24 hours"
        body = (
            "A risk flag on a client of a therapist you supervise has been open for more than "
            f"24 hours without a recorded action. Please review it:\n\n{url}\n"
        )
    else:
        subject = "IPTCare: a questionnaire answer needs your attention"
        body = (
            f"A client's questionnaire answer has raised a risk flag. Please review it:\n\n{url}\n"
        )
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # the flag is on the home page whatever happens to the mail
        log.exception("could not send the risk flag email for flag %s", flag_pk)


# --- closing and escalating flags ----------------------------------------------------------


@transaction.atomic
def flag_resolve(*, actor: Actor, flag: RiskFlag, action: str, note: str = "") -> FlagAction:
    """Close a flag by recording what was done. "Other" needs a few words saying what."""
    note = (note or "").strip()
    if action not in FlagAction.Kind.values:
        raise MeasureError("Choose what was done about this flag.")
    if action == FlagAction.Kind.OTHER and len(note) < 5:
        raise MeasureError("Say what was done (at least 5 characters) when you choose “Other”.")
    if len(note) > 2000:
        raise MeasureError("Keep the note under 2,000 characters.")
    if actor.user is None:
        raise MeasureError("Only a person can close a flag.")
    locked = RiskFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.status != RiskFlag.Status.OPEN:
        raise MeasureError("This flag has already been closed.")
    now = timezone.now()
    recorded = FlagAction.objects.create(flag=locked, kind=action, note=note, by=actor.user, at=now)
    RiskFlag.objects.filter(pk=locked.pk).update(status=RiskFlag.Status.CLOSED, closed_at=now)
    flag.status, flag.closed_at = RiskFlag.Status.CLOSED, now
    access_record(
        actor=actor,
        action="update",
        client=flag.client,
        target=flag,
        detail=f"risk flag closed: {recorded.get_kind_display()}",
    )
    return recorded


def flags_escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every flag open for 24 hours or more, once. Returns how many escalated.

    The flag goes to the current primary supervisor of the course's therapist, or to the
    clinic's administrators when the therapist has none. Safe to run as often as the
    scheduler likes: the conditional update lets exactly one run escalate each flag.
    """
    now = now or timezone.now()
    overdue = (
        RiskFlag.objects.filter(
            status=RiskFlag.Status.OPEN,
            escalated_at__isnull=True,
            raised_at__lte=now - ESCALATE_AFTER,
        )
        .select_related("course__therapist", "client", "clinic")
        .order_by("raised_at")
    )
    escalated = 0
    for flag in overdue:
        if _escalate_one(flag, now=now):
            escalated += 1
    return escalated


@transaction.atomic
def _escalate_one(flag: RiskFlag, *, now: datetime) -> bool:
    # The primary supervisor on the clinic's date of the escalation (one query).
    day = now.astimezone(ZoneInfo(flag.clinic.time_zone)).date()
    supervisor = primary_supervisor_of(flag.course.therapist, on=day)
    if supervisor is not None and supervisor.is_active:
        role, to, recipients = RiskFlag.EscalatedTo.SUPERVISOR, supervisor, [supervisor.email]
    else:
        role, to = RiskFlag.EscalatedTo.ADMINISTRATORS, None
        recipients = list(
            User.objects.filter(
                clinic_id=flag.clinic_id, is_clinic_admin=True, is_active=True
            ).values_list("email", flat=True)
        )
    changed = RiskFlag.objects.filter(
        pk=flag.pk, status=RiskFlag.Status.OPEN, escalated_at__isnull=True
    ).update(escalated_at=now, escalated_to_role=role, escalated_to=to)
    if not changed:
        return False
    access_record(
        actor=SYSTEM,
        action="update",
        client=flag.client,
        target=flag,
        detail=f"risk flag escalated to the {RiskFlag.EscalatedTo(role).label.lower()}",
    )
    if recipients:
        flag_pk = flag.pk
        transaction.on_commit(lambda: _mail_flag(flag_pk, recipients, escalated=True))
    return True


# --- the clinic's instruments -------------------------------------------------------------


@transaction.atomic
def clinic_instrument_set(*, actor: Actor, clinic_id: int, code: str, enabled: bool) -> None:
    """Turn one instrument on or off for a clinic (EPDS stays off until a clinic opts in)."""
    from django.core.cache import cache

    from iptcare.measures.models import ClinicInstrument
    from iptcare.measures.selectors import enabled_cache_key

    if code not in {i.code for i in instruments.ALL}:
        raise MeasureError(f"{code!r} is not an instrument IPTCare knows.")
    ClinicInstrument.objects.update_or_create(
        clinic_id=clinic_id, code=code, defaults={"enabled": enabled}
    )
    access_record(
        actor=actor,
        action="update",
        client=None,
        object_type="measures.clinicinstrument",
        object_id=code,
        detail=f"{code} {'enabled' if enabled else 'disabled'}",
    )
    transaction.on_commit(lambda: cache.delete(enabled_cache_key(clinic_id)))


# --- measurement plans ---------------------------------------------------------------------


@transaction.atomic
def plan_set(*, actor: Actor, course: Course, items: Sequence[tuple[str, str]]) -> MeasurementPlan:
    """Replace a course's measurement plan with (code, when) entries, in order."""
    enabled = set(enabled_codes(course.clinic_id))
    seen: set[str] = set()
    for code, when in items:
        if code not in enabled:
            raise MeasureError(f"{code!r} is not one of the questionnaires this clinic uses.")
        if when not in PlanItem.When.values:
            raise MeasureError(f"Choose when {code!r} is given.")
        if code in seen:
            raise MeasureError(f"{instruments.get(code).short_name} is listed twice.")
        seen.add(code)
    plan, _ = MeasurementPlan.objects.get_or_create(course=course)
    plan.items.all().delete()
    PlanItem.objects.bulk_create(
        PlanItem(plan=plan, code=code, when=when, position=n)
        for n, (code, when) in enumerate(items)
    )
    access_record(
        actor=actor,
        action="update",
        client=course.client,
        target=plan,
        detail="measurement plan: " + ", ".join(f"{c} {w}" for c, w in items),
    )
    return plan
