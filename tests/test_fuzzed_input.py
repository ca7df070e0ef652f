"""Input the fuzzer found: each gets a clear 4xx (or the form again with a message), never
a 500. Ids and answers are parsed in one place, `iptcare.core.parsing`."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from conftest import Cast
from iptcare.courses.selectors import clinic_today
from iptcare.measures.models import QuestionnaireResponse
from iptcare.scheduling.models import Appointment
from tests.factories import open_course

# "²" passes str.isdigit() but int() refuses it; "１" (full-width) is what int() accepts.
SUPERSCRIPT_TWO = "²"
JUNK_IDS = [SUPERSCRIPT_TWO, "１", "٣", "1²", "-1", " 1", "1" * 40]


def _browser(cast: Cast, role: str | None) -> HttpClient:
    browser = HttpClient(raise_request_exception=False)
    if role is not None:
        browser.force_login(cast.users[role])
    return browser


ID_QUERY_PAGES = [
    (None, "/scheduling/book/?therapist={}"),
    ("client", "/scheduling/my/book/?therapist={}"),
    ("therapist", "/scheduling/new/?client={}"),
    ("therapist", "/scheduling/new/?therapist={}"),
    ("therapist", "/scheduling/?therapist={}"),
    ("admin", "/scheduling/hours/?therapist={}"),
    ("therapist", "/courses/new/?client={}"),
]


@pytest.mark.parametrize("junk", JUNK_IDS)
@pytest.mark.parametrize(("role", "url"), ID_QUERY_PAGES)
def test_a_junk_id_in_the_query_string_is_treated_like_any_other_junk(
    cast: Cast, role: str | None, url: str, junk: str
) -> None:
    browser = _browser(cast, role)
    answer = browser.get(url.format(junk))
    like_letters = browser.get(url.format("abc"))
    assert answer.status_code < 500
    assert answer.status_code == like_letters.status_code


@pytest.mark.parametrize("junk", JUNK_IDS)
def test_a_junk_homework_task_in_the_portal_is_not_found(cast: Cast, junk: str) -> None:
    answer = _browser(cast, "client").post(
        "/portal/homework/", {"task": junk, "what_happened": "I called my sister."}
    )
    assert answer.status_code == 404


PHQ9_CALM = {f"item_{n}": "1" for n in range(1, 9)} | {"item_9": "0", "extra_difficulty": "1"}


@pytest.mark.parametrize("junk", [SUPERSCRIPT_TWO, "１", "-1", "1" * 40, "3.0"])
def test_a_junk_answer_in_session_is_shown_again_with_a_message(cast: Cast, junk: str) -> None:
    course = open_course(cast.clients["client"])
    data = PHQ9_CALM | {"item_3": junk, "key": uuid.uuid4().hex}
    answer = _browser(cast, "therapist").post(f"/measures/course/{course.pk}/give/phq9/", data)
    assert answer.status_code == 400
    assert "Choose one of the answers shown." in answer.content.decode()
    assert not QuestionnaireResponse.objects.filter(course=course).exists()


def _due_now(cast: Cast) -> None:
    """The client's course with a session booked 20 hours ahead: questionnaires are due."""
    from tests.factories import appointment, local, weekly_hours

    client = cast.clients["client"]
    open_course(client, weeks_ago=3)
    weekly_hours(cast.users["therapist"], [(day, 9, 17, "in_person") for day in range(7)])
    ahead = clinic_today(cast.clinic) + timedelta(days=4)
    booked = appointment(client, starts_at=local(cast.clinic, ahead, 10))
    Appointment.objects.filter(pk=booked.pk).update(starts_at=timezone.now() + timedelta(hours=20))


@pytest.mark.parametrize("junk", [SUPERSCRIPT_TWO, "１"])
def test_a_junk_answer_in_the_portal_is_shown_again_with_a_message(cast: Cast, junk: str) -> None:
    _due_now(cast)
    browser = _browser(cast, "client")
    page = browser.get("/measures/my/phq9/").content.decode()
    found = re.search(r'name="key" value="([0-9a-f]+)"', page)
    assert found is not None
    key = found.group(1)
    saved = browser.post("/measures/my/phq9/save/", {"item_1": junk, "key": key})
    assert saved.status_code == 200
    sent = browser.post("/measures/my/phq9/", PHQ9_CALM | {"item_1": junk, "key": key})
    assert sent.status_code == 400
    assert "Choose one of the answers shown." in sent.content.decode()
    assert not QuestionnaireResponse.objects.filter(idempotency_key=key).exists()


@pytest.mark.parametrize("junk", [SUPERSCRIPT_TWO, "１"])
def test_a_junk_extra_answer_is_shown_again_with_a_message(cast: Cast, junk: str) -> None:
    course = open_course(cast.clients["client"])
    data = PHQ9_CALM | {"extra_difficulty": junk, "key": uuid.uuid4().hex}
    answer = _browser(cast, "therapist").post(f"/measures/course/{course.pk}/give/phq9/", data)
    assert answer.status_code == 400
    assert "Choose one of the answers shown." in answer.content.decode()


def test_a_nul_byte_in_a_flag_note_is_not_stored_and_not_a_500(cast: Cast) -> None:
    from iptcare.measures.models import FlagAction, RiskFlag
    from tests.factories import phq9_answers, submit

    course = open_course(cast.clients["client"])
    submit(course, "phq9", phq9_answers(14, item9=2), session_number=2)
    flag = RiskFlag.objects.get(course=course)
    browser = _browser(cast, "therapist")
    answer = browser.post(
        f"/measures/flag/{flag.pk}/", {"action": "other", "note": "Called\x00 the client today"}
    )
    assert answer.status_code == 302
    assert FlagAction.objects.get(flag=flag).note == "Called the client today"
