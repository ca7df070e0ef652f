"""The crisis card says only what is true at that moment, and sits right under the answer
that raised it. Where the clinic chose so (the default), a risky answer raises the flag
as soon as the client picks it, so the therapist hears of it even if the client leaves
without sending; the answers sent later join that flag."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from conftest import Cast
from iptcare.courses.models import Course
from iptcare.courses.selectors import clinic_today
from iptcare.measures.models import QuestionnaireResponse, RiskFlag
from iptcare.scheduling.models import Appointment
from tests.factories import appointment, local, open_course, signed_notes, weekly_hours

FORM = "/measures/my/phq9/"
SAVE = "/measures/my/phq9/save/"
TOLD = "Your therapist has been told about this answer"
NOT_SENT = "Your answers are not sent yet: when you send them"
ALL_ONES = {f"item_{n}": "1" for n in range(1, 10)} | {"extra_difficulty": "1"}


@pytest.fixture
def course(cast: Cast) -> Course:
    """The client's course, three sessions held, the next within 48 hours: PHQ-9 due."""
    client = cast.clients["client"]
    course = open_course(client, weeks_ago=3)
    signed_notes(course, 3)
    weekly_hours(cast.users["therapist"], [(day, 9, 17, "in_person") for day in range(7)])
    ahead = clinic_today(cast.clinic) + timedelta(days=4)
    booked = appointment(client, starts_at=local(cast.clinic, ahead, 10))
    Appointment.objects.filter(pk=booked.pk).update(starts_at=timezone.now() + timedelta(hours=20))
    return course


def _open(cast: Cast) -> tuple[HttpClient, str]:
    browser = cast.http("client")
    page = browser.get(FORM).content.decode()
    found = re.search(r'name="key" value="([0-9a-f]+)"', page)
    assert found is not None
    return browser, found.group(1)


def _slot(html: str, name: str) -> str:
    found = re.search(
        rf'<div class="measures-crisis-slot" id="crisis-slot-{name}"[^>]*>(.*?)</div>\s*$|'
        rf'<div class="measures-crisis-slot" id="crisis-slot-{name}"[^>]*>(.*)',
        html,
        re.S,
    )
    assert found is not None, f"no crisis slot for {name}"
    return found.group(1) or found.group(2)


def test_a_risky_answer_raises_the_flag_at_once_and_the_card_says_so(
    cast: Cast, course: Course, django_capture_on_commit_callbacks
) -> None:
    browser, key = _open(cast)
    with django_capture_on_commit_callbacks(execute=True):
        saved = browser.post(
            SAVE, {"item_1": "1", "item_9": "1", "key": key}, HTTP_HX_REQUEST="true"
        )
    html = saved.content.decode()
    # The card goes into the slot under item 9 (swapped out of band), not at the foot.
    assert 'id="crisis-slot-item_9" hx-swap-oob="true"' in html
    assert TOLD in _slot(html, "item_9") and "tel:988" in html
    flag = RiskFlag.objects.get(course=course)
    assert flag.response is None and flag.draft_key == key and flag.is_open
    assert "item 9 answered “Several days”, picked before sending" in flag.reason
    assert [m.to for m in mail.outbox] == [[cast.users["therapist"].email]]
    # Saving again (another answer) raises nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(SAVE, {"item_1": "2", "item_9": "1", "key": key}, HTTP_HX_REQUEST="true")
    assert RiskFlag.objects.filter(course=course).count() == 1 and len(mail.outbox) == 1
    # The page opened again says the same, with the card under item 9.
    page = browser.get(FORM).content.decode()
    assert TOLD in page and page.index('id="q-item_9"') < page.index('id="crisis-now"')
    assert page.index('id="crisis-now"') < page.index('id="q-extra_difficulty"')


def test_the_sent_answers_join_the_flag_raised_before(
    cast: Cast, course: Course, django_capture_on_commit_callbacks
) -> None:
    browser, key = _open(cast)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(SAVE, {"item_9": "1", "key": key})
        done = browser.post(FORM, ALL_ONES | {"key": key})
    assert done.status_code == 200 and "help is available now" in done.content.decode()
    response = QuestionnaireResponse.objects.get(idempotency_key=key)
    flag = RiskFlag.objects.get(course=course)
    assert flag.response == response and response.flag == flag
    assert flag.reason == "PHQ-9: item 9 answered “Several days”" and len(mail.outbox) == 1


def test_an_answer_changed_before_sending_keeps_its_flag_open(cast: Cast, course: Course) -> None:
    browser, key = _open(cast)
    browser.post(SAVE, {"item_9": "2", "key": key})
    calm = browser.post(SAVE, {"item_9": "0", "key": key}, HTTP_HX_REQUEST="true")
    assert "crisis-now" not in calm.content.decode()  # the card goes with the answer
    browser.post(FORM, ALL_ONES | {"item_9": "0", "key": key})
    flag = RiskFlag.objects.get(course=course)
    assert flag.is_open and flag.response is not None and not flag.response.risk
    assert "changed before sending" in flag.reason


def test_a_client_who_leaves_without_sending_still_reaches_the_therapist(
    cast: Cast, course: Course
) -> None:
    browser, key = _open(cast)
    browser.post(SAVE, {"item_9": "3", "key": key})
    assert not QuestionnaireResponse.objects.filter(course=course).exists()
    flag = RiskFlag.objects.get(course=course)
    therapist = cast.http("therapist")
    assert "1 open flag" in therapist.get("/home/").content.decode()
    page = therapist.get(f"/measures/flag/{flag.pk}/")
    assert page.status_code == 200 and "has not been sent" in page.content.decode()
    answer = therapist.get(f"/api/v1/measures/courses/{course.pk}/flags")
    assert answer.status_code == 200, answer.content
    [listed] = answer.json()
    assert listed["id"] == flag.pk and listed["response_id"] is None


def test_without_the_clinics_choice_the_card_promises_only_what_sending_does(
    cast: Cast, course: Course
) -> None:
    cast.clinic.flag_unsent_risk_answers = False
    cast.clinic.save(update_fields=["flag_unsent_risk_answers"])
    browser, key = _open(cast)
    html = browser.post(SAVE, {"item_9": "1", "key": key}, HTTP_HX_REQUEST="true").content.decode()
    assert NOT_SENT in html and TOLD not in html and "will see your answer" not in html
    assert not RiskFlag.objects.filter(course=course).exists() and mail.outbox == []
    browser.post(FORM, ALL_ONES | {"key": key})
    assert RiskFlag.objects.get(course=course).response is not None  # raised on sending


def test_answers_received_without_javascript_raise_the_flag_too(cast: Cast, course: Course) -> None:
    browser, key = _open(cast)
    # Sent with questions missing: the page asks to confirm, and the answers were received.
    asked = browser.post(FORM, {"item_9": "2", "key": key})
    assert asked.status_code == 200 and TOLD in asked.content.decode()
    assert RiskFlag.objects.get(course=course).response is None


def test_a_calm_form_has_empty_slots_and_no_card(cast: Cast, course: Course) -> None:
    browser, key = _open(cast)
    html = browser.post(SAVE, {"item_9": "0", "key": key}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="crisis-slot-item_9" hx-swap-oob="true"></div>' in html
    assert "crisis-now" not in html and not RiskFlag.objects.exists()


def test_the_clinic_setting_is_on_the_settings_page(cast: Cast) -> None:
    page = cast.http("admin").get("/clinic/settings/").content.decode()
    assert 'name="flag_unsent_risk_answers"' in page
