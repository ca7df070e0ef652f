"""Hand the device to the client: the client's side shows only the questionnaire and the
thank-you; leaving asks for the therapist's password, or their two-step code."""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.courses.models import Course
from iptcare.measures.handover import SESSION_KEY, WRONG_TRIES_ALLOWED
from iptcare.measures.models import QuestionnaireResponse
from tests.factories import PASSWORD, open_course

WAY_OUT = "/measures/handover/end/"


def _give(browser: HttpClient, course: Course) -> str:
    """Hand over, answer PHQ-9 and send it: the thank-you page."""
    url = f"/measures/course/{course.pk}/give/phq9/"
    page = browser.get(url).content.decode()
    key = re.search(r'name="key" value="([0-9a-f]+)"', page)
    assert key is not None
    data = {f"item_{n}": "0" for n in range(1, 10)} | {"key": key.group(1)}
    done = browser.post(url, data)
    assert done.status_code == 200
    return done.content.decode()


@pytest.fixture
def course(cast: Cast) -> Course:
    return open_course(cast.clients["client"])


def test_the_thank_you_page_leads_to_the_password_not_to_the_record(
    cast: Cast, course: Course
) -> None:
    browser = cast.http("therapist")
    done = _give(browser, course)
    client = cast.clients["client"]
    assert WAY_OUT in done and f'href="/measures/course/{course.pk}/"' not in done
    for shown in (client.first_name, client.legal_name, client.chart_number, "Log out"):
        assert shown not in done
    way_out = browser.get(WAY_OUT).content.decode()
    assert 'type="password"' in way_out and client.first_name not in way_out


@pytest.mark.parametrize(
    "path", ["/home/", "/clients/", "/measures/course/{course}/", "/portal/", "/audit/"]
)
def test_every_other_page_is_held_until_the_password(cast: Cast, course: Course, path: str) -> None:
    browser = cast.http("therapist")
    _give(browser, course)
    response = browser.get(path.format(course=course.pk))
    assert response.status_code == 302 and response["Location"] == WAY_OUT
    htmx = browser.get("/home/", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == WAY_OUT
    assert browser.get("/api/v1/clients/").status_code == 403
    # Another questionnaire, or another client's, is not the one handed over either.
    other = open_course(cast.clients["client2"])
    assert browser.get(f"/measures/course/{other.pk}/give/gad7/")["Location"] == WAY_OUT


def test_a_wrong_password_is_refused_and_the_right_one_opens_the_record(
    cast: Cast, course: Course
) -> None:
    browser = cast.http("therapist")
    _give(browser, course)
    refused = browser.post(WAY_OUT, {"secret": "not-the-password"})
    assert refused.status_code == 400 and "That password is not right." in refused.content.decode()
    assert browser.post(WAY_OUT, {"secret": ""}).status_code == 400
    assert browser.get("/home/")["Location"] == WAY_OUT
    back = browser.post(WAY_OUT, {"secret": PASSWORD})
    assert back.status_code == 302 and back["Location"] == f"/measures/course/{course.pk}/"
    assert browser.get(back["Location"]).status_code == 200
    assert SESSION_KEY not in browser.session


def test_too_many_wrong_tries_log_the_device_out(cast: Cast, course: Course) -> None:
    browser = cast.http("therapist")
    _give(browser, course)
    for _ in range(WRONG_TRIES_ALLOWED - 1):
        assert browser.post(WAY_OUT, {"secret": "guess"}).status_code == 400
    last = browser.post(WAY_OUT, {"secret": "guess"})
    assert last.status_code == 302 and last["Location"] == "/accounts/login/"
    assert browser.get(f"/measures/course/{course.pk}/")["Location"].startswith("/accounts/login/")
    # Nothing the client sent was lost on the way.
    assert QuestionnaireResponse.objects.filter(course=course).count() == 1


def test_a_therapist_with_two_step_sign_in_leaves_with_a_code(cast: Cast, course: Course) -> None:
    therapist = cast.users["therapist"]
    User.objects.filter(pk=therapist.pk).update(two_factor_enabled=True)
    device = StaticDevice.objects.create(user=therapist, name="Backup codes", confirmed=True)
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=t) for t in ("signinabc1", "leavexyz2")
    )
    browser = HttpClient()
    browser.post("/accounts/login/", {"username": therapist.email, "password": PASSWORD})
    browser.post("/accounts/two-factor/verify/", {"code": "signinabc1"})
    _give(browser, course)
    page = browser.get(WAY_OUT).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'type="password"' not in page
    assert browser.post(WAY_OUT, {"secret": PASSWORD}).status_code == 400  # a code, not this
    # django-otp slows the next try after a wrong code; the test does not wait.
    StaticDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    back = browser.post(WAY_OUT, {"secret": "leavexyz2"})
    assert back["Location"] == f"/measures/course/{course.pk}/"


def test_the_way_out_without_a_handover_goes_home(cast: Cast) -> None:
    response = cast.http("therapist").get(WAY_OUT)
    assert response.status_code == 302 and response["Location"] == "/home/"
