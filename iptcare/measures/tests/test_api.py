"""Questionnaire answers and risk flags in the JSON API."""

from __future__ import annotations

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.courses.models import Course
from iptcare.measures.models import QuestionnaireResponse, RiskFlag
from iptcare.measures.services import response_submit
from tests.factories import open_course

PHQ9 = [1, 1, 1, 1, 1, 1, 1, 1, 0]


def _answer(cast: Cast, course: Course, answers: list[int], session: int = 1) -> None:
    response_submit(
        actor=Actor(user=cast.users["therapist"], role="therapist"),
        course=course,
        code="phq9",
        answers=answers,
        session_number=session,
        idempotency_key=uuid.uuid4().hex,
        administered="in_session",
    )


def test_a_course_s_answers_flags_and_one_answer_item_by_item(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    _answer(cast, course, PHQ9)
    _answer(cast, course, [*PHQ9[:8], 2], session=2)
    browser = cast.http("therapist")
    responses = browser.get(f"/api/v1/measures/courses/{course.pk}/responses").json()
    assert [r["session_number"] for r in responses] == [2, 1]
    assert responses[1]["total"] == 8 and responses[1]["severity"] == "mild"
    assert responses[0]["risk"] is True and responses[0]["risk_items"] == [9]
    flag = RiskFlag.objects.get(course=course)
    assert responses[0]["flag_id"] == flag.pk and responses[1]["flag_id"] is None

    one = browser.get(f"/api/v1/measures/responses/{responses[0]['id']}").json()
    assert [i["score"] for i in one["items"]] == [*PHQ9[:8], 2]
    assert [i["item_number"] for i in one["items"]] == list(range(1, 10))

    flags = browser.get(f"/api/v1/measures/courses/{course.pk}/flags").json()
    assert [(f["id"], f["status"], f["actions"]) for f in flags] == [(flag.pk, "open", [])]


def test_reading_answers_through_the_api_is_recorded(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    _answer(cast, course, PHQ9)
    response = QuestionnaireResponse.objects.get(course=course)
    browser = cast.http("therapist")
    before = AccessEntry.objects.count()
    browser.get(f"/api/v1/measures/courses/{course.pk}/responses")
    browser.get(f"/api/v1/measures/responses/{response.pk}")
    reads = AccessEntry.objects.order_by("-pk")[: AccessEntry.objects.count() - before]
    assert {(e.action, e.object_type) for e in reads} == {
        ("read", "courses.course"),
        ("read", "measures.questionnaireresponse"),
    }


def test_the_answer_list_costs_the_same_queries_for_2_or_16_answers(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    browser = cast.http("therapist")
    url = f"/api/v1/measures/courses/{course.pk}/responses"
    for session in (1, 2):
        _answer(cast, course, PHQ9, session)
    with CaptureQueriesContext(connection) as few:
        assert len(browser.get(url).json()) == 2
    # One answer per questionnaire and session: every planned session answered.
    for session in range(3, 17):
        _answer(cast, course, PHQ9 if session % 2 else [0] * 9, session)
    with CaptureQueriesContext(connection) as many:
        assert len(browser.get(url).json()) == 16
    assert len(many) == len(few)


def test_nobody_outside_the_care_team_reads_answers(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    _answer(cast, course, PHQ9)
    response = QuestionnaireResponse.objects.get(course=course)
    for role in ("therapist2", "client", "admin", "other_admin"):
        browser = cast.http(role)
        assert browser.get(f"/api/v1/measures/responses/{response.pk}").status_code == 404
        assert browser.get(f"/api/v1/measures/courses/{course.pk}/flags").status_code == 404
    assert cast.http(None).get(f"/api/v1/measures/responses/{response.pk}").status_code == 401
