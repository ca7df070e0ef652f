"""The public intake form: clear errors, nothing saved on bad input, spam kept out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import Cast
from iptcare.intake.models import IntakeEvent, IntakeRequest

URL = reverse("intake:request")
# Noon on 15 June 2027 in the clinic (Toronto): someone born on 16 June 2009 is 17 today.
TODAY = datetime(2027, 6, 15, 12, tzinfo=ZoneInfo("America/Toronto"))
ADOLESCENT = "2011-03-01"


@pytest.fixture(autouse=True)
def clinic_day() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=True):
        yield


def valid(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "Robin Fisher",
        "email": "robin.fisher@example.test",
        "phone": "416-555-0123",
        "preferred_contact": "email",
        "date_of_birth": "1990-04-02",
        "concerns": "Since the divorce I cannot sleep and I have stopped seeing people.",
        "life_changes": ["divorce", "moving_homes"],
        "preferred_times": ["weekday_evening"],
        "therapist_preference": "practicum",
        "consent_to_contact": "on",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_request_is_saved_with_its_history_and_a_clear_confirmation(cast: Cast) -> None:
    browser = cast.http(None)
    response = browser.post(URL, valid(), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:request_thanks")
    request = IntakeRequest.objects.get(email="robin.fisher@example.test")
    assert request.clinic == cast.clinic
    assert request.status == "new"
    assert request.life_changes == ["divorce", "moving_homes"]
    assert request.ip_hash and "203.0.113.5" not in request.ip_hash
    assert [e.kind for e in request.events.all()] == ["submitted"]
    thanks = browser.get(response["Location"]).content.decode()
    assert "Thank you, we have your request" in thanks and "by email" in thanks


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date_of_birth": ADOLESCENT}, "guardian_name", "parent or guardian"),
        (
            {"date_of_birth": ADOLESCENT, "guardian_name": "Kim Fisher"},
            "guardian_phone",
            "phone number or email",
        ),
        ({"consent_to_contact": None}, "consent_to_contact", "agree to be contacted"),
        ({"email": "robin@"}, "email", "valid email"),
        ({"preferred_contact": "text", "phone": ""}, "phone", "phone number"),
        ({"phone": "call me"}, "phone", "area code"),
        ({"concerns": ""}, "concerns", "required"),
        ({"life_changes": ["other"]}, "life_change_other", "other change"),
        ({"date_of_birth": ""}, "date_of_birth", "required"),
        ({"date_of_birth": "2027-06-16"}, "date_of_birth", "future"),
        ({"date_of_birth": "2014-06-16"}, "date_of_birth", "from the age of 13"),
        ({"date_of_birth": "14/02/1990"}, "date_of_birth", "valid date"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "between 1900"),
    ],
)
def test_bad_input_gets_a_message_beside_the_field_and_changes_nothing(
    cast: Cast, changes: dict[str, object], field: str, message: str
) -> None:
    before = IntakeRequest.objects.count()
    response = cast.http(None).post(URL, valid(**changes))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message.lower() in errors.lower()
    assert f'id="id_{field}_error"' in response.content.decode()
    assert IntakeRequest.objects.count() == before


def test_an_adolescent_request_with_a_guardian_is_accepted(cast: Cast) -> None:
    response = cast.http(None).post(
        URL,
        valid(
            date_of_birth=ADOLESCENT,
            guardian_name="Kim Fisher",
            guardian_email="kim@example.test",
        ),
    )
    assert response.status_code == 302
    request = IntakeRequest.objects.get(email="robin.fisher@example.test")
    assert (request.age_group, request.guardian_name) == ("adolescent", "Kim Fisher")
    assert request.date_of_birth == date(2011, 3, 1)


@pytest.mark.parametrize(
    ("born", "age_group"),
    [
        ("2014-06-15", "adolescent"),  # 13 today
        ("2009-06-16", "adolescent"),  # 18 tomorrow
        ("2009-06-15", "adult"),  # 18 today
        ("1990-04-02", "adult"),
    ],
)
def test_the_date_of_birth_decides_whether_a_parent_or_guardian_is_needed(
    cast: Cast, born: str, age_group: str
) -> None:
    guardian = {"guardian_name": "Kim Fisher", "guardian_phone": "416-555-0100"}
    response = cast.http(None).post(URL, valid(date_of_birth=born, **guardian))
    assert response.status_code == 302
    request = IntakeRequest.objects.get(email="robin.fisher@example.test")
    assert request.age_group == age_group
    assert request.date_of_birth == date.fromisoformat(born)
    assert request.guardian_name == ("Kim Fisher" if age_group == "adolescent" else "")


def test_the_form_helps_phones_fill_it_in(cast: Cast) -> None:
    body = cast.http(None).get(URL).content.decode()
    for field, attributes in [
        ("full_name", 'autocomplete="name"'),
        ("email", 'type="email"'),
        ("email", 'autocomplete="email"'),
        ("phone", 'type="tel"'),
        ("phone", 'autocomplete="tel"'),
        ("date_of_birth", 'type="date"'),
        ("date_of_birth", 'autocomplete="bday"'),
        ("guardian_phone", 'type="tel"'),
    ]:
        tag = body.split(f'id="id_{field}"', 1)[0].rsplit("<input", 1)[1]
        tag += body.split(f'id="id_{field}"', 1)[1].split(">", 1)[0]
        assert attributes in tag, (field, attributes)
    assert "Who is the help for?" not in body
    assert "intake-form.js" in body


def _guardian_fieldset(body: str) -> str:
    return body.split('id="guardian-fields"', 1)[1].split(">", 1)[0]


def test_the_guardian_fields_are_shown_for_an_adolescent_only(cast: Cast) -> None:
    browser = cast.http(None)
    # A new form: in view until the date of birth is known (the script hides them).
    assert "hidden" not in _guardian_fieldset(browser.get(URL).content.decode())
    # Sent back for another reason: hidden for an adult, in view for an adolescent.
    adult = browser.post(URL, valid(concerns="")).content.decode()
    assert "hidden" in _guardian_fieldset(adult)
    adolescent = browser.post(URL, valid(concerns="", date_of_birth=ADOLESCENT)).content
    assert "hidden" not in _guardian_fieldset(adolescent.decode())


def test_an_adult_request_keeps_no_stray_guardian_details(cast: Cast) -> None:
    cast.http(None).post(URL, valid(guardian_name="Someone"))
    assert IntakeRequest.objects.get(email="robin.fisher@example.test").guardian_name == ""


def test_the_honeypot_silently_drops_the_request(cast: Cast) -> None:
    before = (IntakeRequest.objects.count(), IntakeEvent.objects.count())
    response = cast.http(None).post(URL, valid(website="http://spam.test"))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:request_thanks")
    assert (IntakeRequest.objects.count(), IntakeEvent.objects.count()) == before


def test_a_fourth_request_from_one_address_in_a_day_is_refused_with_a_message(cast: Cast) -> None:
    browser = cast.http(None)
    for n in range(3):
        assert browser.post(URL, valid(), REMOTE_ADDR=f"198.51.100.{n}").status_code == 302
    response = browser.post(URL, valid(), REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 400
    assert "already received several requests from this email" in response.content.decode()
    assert IntakeRequest.objects.filter(email="robin.fisher@example.test").count() == 3


def test_a_fourth_request_from_one_connection_in_an_hour_is_refused(cast: Cast) -> None:
    browser = cast.http(None)
    for n in range(3):
        assert (
            browser.post(
                URL, valid(email=f"p{n}@example.test"), REMOTE_ADDR="192.0.2.7"
            ).status_code
            == 302
        )
    response = browser.post(URL, valid(email="p9@example.test"), REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 400
    assert "Please wait an hour" in response.content.decode()
    assert not IntakeRequest.objects.filter(email="p9@example.test").exists()
    # Someone else, elsewhere, is not affected.
    assert (
        browser.post(URL, valid(email="p9@example.test"), REMOTE_ADDR="192.0.2.8").status_code
        == 302
    )


def test_the_form_shows_every_life_change_of_the_seed_clinic(cast: Cast) -> None:
    body = cast.http(None).get(URL).content.decode()
    for label in [
        "Job loss",
        "New job",
        "Divorce",
        "Relationship breakdown",
        "Death in the family",
        "Pregnancy",
        "Miscarriage",
        "Moving homes",
        "Starting school",
        "Other",
    ]:
        assert label in body
    assert "practicum student" in body.lower()
