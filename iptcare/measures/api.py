"""Questionnaire answers and risk flags in the JSON API, read through the same choke points
as the pages (the course's care team; an administrator only after breaking the glass)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from iptcare.audit.services import actor_from_request
from iptcare.courses.selectors import course_get_for
from iptcare.measures.models import QuestionnaireResponse, RiskFlag
from iptcare.measures.selectors import flags_for_course, response_get_for, responses_for_course

router = Router(tags=["measures"])


class ResponseOut(Schema):
    id: int
    course_id: int
    code: str
    session_number: int
    administered: str
    submitted_at: datetime
    complete: bool
    total: int | None
    prorated: bool
    severity: str
    risk: bool
    risk_items: list[int]
    flag_id: int | None


class ItemOut(Schema):
    item_number: int
    position: int | None
    not_applicable: bool
    score: int | None


class ResponseDetailOut(ResponseOut):
    items: list[ItemOut]


class FlagActionOut(Schema):
    kind: str
    note: str
    by: str
    at: datetime


class FlagOut(Schema):
    id: int
    # None while the answers that raised it are not yet sent.
    response_id: int | None
    reason: str
    status: str
    raised_at: datetime
    escalated_at: datetime | None
    closed_at: datetime | None
    actions: list[FlagActionOut]


def _response_out(response: QuestionnaireResponse, **more: object) -> dict[str, object]:
    # No flag: Django raises RelatedObjectDoesNotExist, an AttributeError.
    flag = getattr(response, "flag", None)
    return {
        "id": response.pk,
        "course_id": response.course_id,
        "code": response.code,
        "session_number": response.session_number,
        "administered": response.administered,
        "submitted_at": response.submitted_at,
        "complete": response.complete,
        "total": response.total,
        "prorated": response.prorated,
        "severity": response.severity,
        "risk": response.risk,
        "risk_items": list(response.risk_items),
        "flag_id": flag.pk if flag is not None else None,
        **more,
    }


def _flag_out(flag: RiskFlag) -> FlagOut:
    return FlagOut(
        id=flag.pk,
        response_id=flag.response_id,
        reason=flag.reason,
        status=flag.status,
        raised_at=flag.raised_at,
        escalated_at=flag.escalated_at,
        closed_at=flag.closed_at,
        actions=[
            FlagActionOut(kind=a.kind, note=a.note, by=a.by.full_name, at=a.at)
            for a in flag.actions.all()
        ],
    )


@router.get(
    "/courses/{int:course_id}/responses",
    response=list[ResponseOut],
    url_name="measures_responses",
)
def course_responses(request, course_id: int):
    """Every questionnaire answered in the course, newest first (totals, bands, risk)."""
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    return [_response_out(r) for r in responses_for_course(course)]


@router.get(
    "/responses/{int:response_id}", response=ResponseDetailOut, url_name="measures_response"
)
def response_detail(request, response_id: int):
    """One questionnaire, item by item."""
    response = response_get_for(actor=actor_from_request(request), pk=response_id)
    items = [
        ItemOut(
            item_number=a.item_number,
            position=a.position,
            not_applicable=a.not_applicable,
            score=a.score,
        )
        for a in response.answers.all()
    ]
    return _response_out(response, items=items)


@router.get("/courses/{int:course_id}/flags", response=list[FlagOut], url_name="measures_flags")
def course_flags(request, course_id: int):
    """The course's risk flags, open ones first, with what was done about each."""
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    return [_flag_out(flag) for flag in flags_for_course(course)]
