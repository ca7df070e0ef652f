"""Crisis numbers can be tapped: every number in the clinic's crisis resources is a `tel:`
link (and an `sms:` link where the words say it can be texted), on every page that shows
them; the words around them stay the clinic's own, escaped."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Cast
from iptcare.core.templatetags.clinic_text import crisis_lines
from iptcare.courses.selectors import clinic_today
from iptcare.scheduling.models import Appointment
from tests.factories import appointment, local, open_course, signed_notes, weekly_hours

DEFAULT_LINKS = ('href="tel:988"', 'href="sms:988"', 'href="tel:911"')


def _links(html: str) -> list[str]:
    return re.findall(r'href="((?:tel|sms):[^"]*)"', html)


def test_the_default_resources_call_and_text_988_and_call_911() -> None:
    html = crisis_lines(
        "If you are thinking about suicide: call or text 9-8-8 (Canada's line), any time.\n"
        "In an emergency, call 911 or go to your nearest emergency department."
    )
    assert _links(html) == ["tel:988", "sms:988", "tel:911"]
    # The number is shown as written and kept on one line; the words stay words.
    assert '<a class="crisis-number" href="tel:988">9-8-8</a>' in html
    assert "Canada&#x27;s line" in html and html.count("<p>") == 2


def test_a_number_is_texted_only_where_the_words_say_so() -> None:
    html = crisis_lines("Call 911 or text 9-8-8.")
    assert _links(html) == ["tel:911", "tel:988", "sms:988"]
    html = crisis_lines("Text 9-8-8, or call 911.")
    assert _links(html) == ["tel:988", "sms:988", "tel:911"]


def test_short_text_codes_long_numbers_and_what_is_not_a_number() -> None:
    html = crisis_lines(
        "Youth: text CONNECT to 686868. Distress Centre: 1-833-456-4566 or (416) 408-4357.\n"
        "Open 24/7 since 2019 at 25 King St."
    )
    assert _links(html) == ["sms:686868", "tel:18334564566", "tel:4164084357"]
    assert ">24/7<" not in html and "2019" in html and "tel:2019" not in html
    assert '<a class="crisis-number" href="tel:4164084357">(416) 408-4357</a>' in html


def test_the_clinics_text_is_escaped_around_the_links() -> None:
    html = crisis_lines('Call 911 <script>alert("x")</script> & wait.')
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; wait" in html
    assert _links(html) == ["tel:911"]


def test_an_edited_resource_gives_its_own_numbers(cast: Cast) -> None:
    cast.clinic.crisis_resources = "Call the Gerstein Crisis Centre: 416-929-5200."
    cast.clinic.save(update_fields=["crisis_resources"])
    page = cast.http("client").get("/portal/").content.decode()
    assert "tel:4169295200" in page and "tel:988" not in page


@pytest.fixture
def due_phq9(cast: Cast) -> None:
    client = cast.clients["client"]
    signed_notes(open_course(client, weeks_ago=3), 3)
    weekly_hours(cast.users["therapist"], [(day, 9, 17, "in_person") for day in range(7)])
    booked = appointment(
        client, starts_at=local(cast.clinic, clinic_today(cast.clinic) + timedelta(days=4), 10)
    )
    Appointment.objects.filter(pk=booked.pk).update(starts_at=timezone.now() + timedelta(hours=20))


@pytest.mark.parametrize(
    "path", ["/portal/", "/measures/my/", "/scheduling/my/"], ids=["home", "portal-bar", "bar"]
)
def test_the_portal_pages_and_their_crisis_bar(cast: Cast, path: str) -> None:
    response = cast.http("client").get(path, follow=True)
    assert response.status_code == 200
    for link in DEFAULT_LINKS:
        assert link in response.content.decode(), (path, link)


def test_the_card_after_a_risky_answer(cast: Cast, due_phq9: None) -> None:
    browser = cast.http("client")
    page = browser.get("/measures/my/phq9/").content.decode()
    key = re.search(r'name="key" value="([0-9a-f]+)"', page)
    assert key is not None
    live = browser.post("/measures/my/phq9/save/", {"item_9": "1", "key": key.group(1)})
    sent = browser.post(
        "/measures/my/phq9/",
        {f"item_{n}": "1" for n in range(1, 10)} | {"extra_difficulty": "1", "key": key.group(1)},
    )
    for html in (live.content.decode(), sent.content.decode()):
        assert "crisis-now" in html
        for link in DEFAULT_LINKS:
            assert link in html


def test_the_public_footer_and_the_login_page(cast: Cast) -> None:
    for path in ("/", "/accounts/login/"):
        html = cast.http(None).get(path).content.decode()
        for link in DEFAULT_LINKS:
            assert link in html, (path, link)


def test_the_login_page_names_the_clinic(cast: Cast) -> None:
    html = cast.http(None).get("/accounts/login/").content.decode()
    assert 'Log in <span class="login-clinic">to Cast Test Clinic</span>' in html
    assert "If you need help now" in html
