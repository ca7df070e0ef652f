"""Helpers for the measures tests: courses on the demo cast and answer histories."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.utils import timezone

from conftest import Cast
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.courses.models import Course
from iptcare.measures.models import QuestionnaireResponse
from iptcare.measures.services import response_submit

SYSTEM = Actor(user=None, role="system")


def open_course(cast: Cast, target: str = "client", **fields: object) -> Course:
    """A new open course for the target client, with no answers yet."""
    client: Client = cast.clients[target]
    therapist = client.therapists.first()
    defaults: dict[str, object] = dict(
        clinic=client.clinic,
        client=client,
        therapist=therapist,
        protocol="standard",
        planned_sessions=16,
        start_date=date.today() - timedelta(days=60),
        status=Course.Status.ACTIVE,
    )
    defaults.update(fields)
    return Course.objects.create(**defaults)


def key() -> str:
    return uuid.uuid4().hex


def submit(
    course: Course,
    code: str,
    answers: Sequence[object],
    *,
    session_number: int = 1,
    extras: dict[str, object] | None = None,
    at: datetime | None = None,
    actor: Actor = SYSTEM,
) -> QuestionnaireResponse:
    response = response_submit(
        actor=actor,
        course=course,
        code=code,
        answers=list(answers),  # type: ignore[arg-type]
        extras=extras,
        session_number=session_number,
        idempotency_key=key(),
        administered="in_session",
    )
    if at is not None:
        QuestionnaireResponse.objects.filter(pk=response.pk).update(submitted_at=at)
        response.refresh_from_db()
    return response


def phq9_answers(total: int, item9: int = 0) -> list[int]:
    """Nine positions adding up to `total` (item 9 fixed), spread over items 1-8."""
    rest = total - item9
    assert 0 <= rest <= 24
    answers = [min(3, max(0, rest - 3 * i)) for i in range(8)]
    return answers + [item9]


def gad7_answers(total: int) -> list[int]:
    return [min(3, max(0, total - 3 * i)) for i in range(7)]


def days_ago(n: float) -> datetime:
    return timezone.now() - timedelta(days=n)
