from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Cast
from iptcare.courses.models import Course
from iptcare.courses.selectors import clinic_today
from iptcare.measures import tracking
from iptcare.measures.models import ItemAnswer, QuestionnaireResponse
from iptcare.measures.portal import portal_state
from iptcare.scheduling.models import Appointment
from tests.factories import (
    appointment,
    days_ago,
    gad7_answers,
    local,
    open_course,
    phq9_answers,
    signed_notes,
    submit,
    weekly_hours,
)


def _key(body: str) -> str:
    found = re.search(r'name="key" value="([0-9a-f]+)"', body)
    assert found is not None, "the form carries its key"
    return found.group(1)


@pytest.fixture
def booked_course(cast: Cast) -> Course:
    """The client's course, three sessions held, the next booked four days ahead."""
    client = cast.clients["client"]
    course = open_course(client, weeks_ago=3)
    signed_notes(course, 3)
    weekly_hours(cast.users["therapist"], [(day, 9, 17, "in_person") for day in range(7)])
    ahead = clinic_today(cast.clinic) + timedelta(days=4)
    appointment(client, starts_at=local(cast.clinic, ahead, 10))
    return course


def _due_now(cast: Cast) -> None:
    """Bring the client's next booked session within 48 hours, so questionnaires are due."""
    upcoming = Appointment.objects.filter(
        client=cast.clients["client"], status="booked", starts_at__gt=timezone.now()
    ).order_by("starts_at")
    Appointment.objects.filter(pk=upcoming[0].pk).update(
        starts_at=timezone.now() + timedelta(hours=20)
    )


def test_a_session_more_than_48_hours_away_is_not_yet_due(
    cast: Cast, booked_course: Course
) -> None:
    state = portal_state(cast.clients["client"])
    assert state.due == [] and state.opens_at is not None
    body = cast.http("client").get("/measures/my/").content.decode()
    assert "open on" in body


def test_the_client_answers_phq9_in_the_portal_and_sees_crisis_resources(
    cast: Cast, booked_course: Course
) -> None:
    _due_now(cast)
    browser = cast.http("client")
    assert "PHQ-9" in browser.get("/measures/my/").content.decode()
    page = browser.get("/measures/my/phq9/").content.decode()
    assert "Thoughts that you would be better off dead" in page and "Pfizer" in page
    data = {f"item_{n}": "1" for n in range(1, 10)} | {"extra_difficulty": "1", "key": _key(page)}
    done = browser.post("/measures/my/phq9/", data)
    body = done.content.decode()
    assert done.status_code == 200 and "9-8-8" in body and "help is available now" in body
    response = QuestionnaireResponse.objects.filter(client=cast.clients["client"]).latest("pk")
    assert response.total == 9 and response.administered == "portal" and response.flag.is_open
    again = browser.post("/measures/my/phq9/", data)  # a double click
    assert again.status_code in (200, 400)
    assert QuestionnaireResponse.objects.filter(idempotency_key=data["key"]).count() == 1


def test_saving_as_you_go_shows_crisis_resources_at_once(cast: Cast, booked_course: Course) -> None:
    _due_now(cast)
    browser = cast.http("client")
    key = _key(browser.get("/measures/my/phq9/").content.decode())
    calm = browser.post(
        "/measures/my/phq9/save/", {"item_1": "2", "key": key}, HTTP_HX_REQUEST="true"
    )
    assert "saved" in calm.content.decode() and "9-8-8" not in calm.content.decode()
    risky = browser.post("/measures/my/phq9/save/", {"item_1": "2", "item_9": "1", "key": key})
    assert "9-8-8" in risky.content.decode()
    # The draft comes back when the page is opened again.
    assert 'name="item_9" value="1" checked' in browser.get("/measures/my/phq9/").content.decode()
    assert not QuestionnaireResponse.objects.filter(idempotency_key=key).exists()


def test_an_impossible_answer_gets_a_message_beside_it_and_nothing_is_stored(
    cast: Cast, booked_course: Course
) -> None:
    _due_now(cast)
    browser = cast.http("client")
    key = _key(browser.get("/measures/my/gad7/").content.decode())
    before = QuestionnaireResponse.objects.count()
    data = {f"item_{n}": "0" for n in range(1, 8)} | {"item_3": "7", "key": key}
    response = browser.post("/measures/my/gad7/", data)
    body = response.content.decode()
    assert response.status_code == 400 and 'id="err-item_3"' in body
    assert QuestionnaireResponse.objects.count() == before


def test_skipped_items_are_confirmed_before_sending(cast: Cast, booked_course: Course) -> None:
    _due_now(cast)
    browser = cast.http("client")
    key = _key(browser.get("/measures/my/gad7/").content.decode())
    data = {f"item_{n}": "1" for n in range(1, 7)} | {"key": key}
    first = browser.post("/measures/my/gad7/", data)
    assert "Some questions have no answer yet" in first.content.decode()
    assert not QuestionnaireResponse.objects.filter(idempotency_key=key).exists()
    browser.post("/measures/my/gad7/", data | {"confirm_missing": "1"})
    stored = QuestionnaireResponse.objects.get(idempotency_key=key)
    assert stored.prorated and stored.total == 7


def test_hand_the_device_mode_hides_the_navigation_and_returns_to_the_therapist(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    browser = cast.http("therapist")
    page = browser.get(f"/measures/course/{course.pk}/give/phq9/").content.decode()
    name = cast.clients["client"].first_name
    assert 'class="site-nav"' not in page and name not in page and "Log out" not in page
    data = {f"item_{n}": "0" for n in range(1, 10)} | {"item_9": "2", "key": _key(page)}
    done = browser.post(f"/measures/course/{course.pk}/give/phq9/", data).content.decode()
    # Back to the record through the therapist's password (test_handover.py).
    assert "9-8-8" in done and "/measures/handover/end/" in done
    response = QuestionnaireResponse.objects.get(idempotency_key=data["key"])
    assert (
        response.administered == "in_session" and response.submitted_by == cast.users["therapist"]
    )


def test_answers_are_viewable_item_by_item(cast: Cast) -> None:
    response = submit(open_course(cast.clients["client"]), "wsas", ["na", 8, 0, 4, 2])
    body = cast.http("therapist").get(f"/measures/response/{response.pk}/").content.decode()
    assert "Not applicable" in body and "8 – Very severely" in body and "(prorated" in body
    assert ItemAnswer.objects.filter(response=response, not_applicable=True).count() == 1


def test_the_course_page_explains_the_outcome_in_sentences(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    submit(course, "phq9", phq9_answers(17), at=days_ago(60))
    submit(course, "gad7", gad7_answers(12), at=days_ago(60))
    submit(course, "phq9", phq9_answers(8), session_number=8, at=days_ago(1))
    submit(course, "gad7", gad7_answers(5), session_number=8, at=days_ago(1))
    body = cast.http("therapist").get(f"/measures/course/{course.pk}/").content.decode()
    assert "PHQ-9 fell 17 → 8: a reliable drop (≥ 6); now below caseness (&lt; 10)." in body
    # No session notes on this course yet, so no outcome classes: the page says why.
    assert "Not eligible for outcome classes: 0 sessions attended (needs ≥ 2)." in body
    assert "<svg" in body


def test_closing_a_flag_from_its_page_needs_an_action(cast: Cast) -> None:
    flag = submit(open_course(cast.clients["client"]), "phq9", [0] * 8 + [1]).flag
    browser = cast.http("therapist")
    refused = browser.post(f"/measures/flag/{flag.pk}/", {"action": "other", "note": ""})
    assert refused.status_code == 400 and "Say what was done" in refused.content.decode()
    flag.refresh_from_db()
    assert flag.is_open
    browser.post(f"/measures/flag/{flag.pk}/", {"action": "contacted", "note": "Phoned."})
    flag.refresh_from_db()
    assert not flag.is_open and flag.actions.get().kind == "contacted"


def test_a_supervisor_sees_but_the_administrator_cannot_open_a_flag(cast: Cast) -> None:
    course = open_course(cast.clients["student_client"])
    flag = submit(course, "phq9", phq9_answers(12, item9=1)).flag
    assert cast.http("supervisor").get(f"/measures/flag/{flag.pk}/").status_code == 200
    assert cast.http("admin").get(f"/measures/flag/{flag.pk}/").status_code == 404
    assert cast.http("therapist").get(f"/measures/flag/{flag.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("start", "latest", "session", "on_track"),
    [
        (18, 9, 9, True),
        (16, 18, 13, False),
        (16, 15, 13, True),
        (20, 20, 2, None),
        (10, 10, 10, True),
    ],
)
def test_the_default_curve_marks_a_client_more_than_6_points_above_it(
    start: int, latest: int, session: int, on_track: bool | None
) -> None:
    status = tracking.track_status(
        start=start, latest=latest, session_number=session, curve=tracking.DEFAULT_CURVE
    )
    assert (status.on_track if status else None) is on_track
    if status is not None and not on_track:
        assert "more than the margin of 6" in status.reason


def test_the_clinic_curve_is_used_from_30_completed_courses() -> None:
    courses = [[(1, 20), (5, 10), (10, 8)] for _ in range(29)]
    assert tracking.clinic_curve(courses).source == "default"
    curve = tracking.clinic_curve(courses + [[(1, 10), (5, 5), (10, 4)]])
    assert (
        curve.source == "clinic" and curve.expected(20, 10) == 8.0 and curve.expected(20, 12) == 8.0
    )
