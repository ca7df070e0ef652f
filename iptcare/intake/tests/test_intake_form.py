"""The public intake form: clear errors, nothing saved on bad input, spam kept out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Cast
from iptcare.intake.models import IntakeEvent, IntakeRequest

URL = reverse("intake:request")


def valid(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "Robin Fisher",
        "email": "robin.fisher@example.test",
        "phone": "416-555-0123",
        "preferred_contact": "email",
        "age_group": "adult",
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
        ({"age_group": "adolescent"}, "guardian_name", "parent or guardian"),
        (
            {"age_group": "adolescent", "guardian_name": "Kim Fisher"},
            "guardian_phone",
            "phone number or email",
        ),
        ({"consent_to_contact": None}, "consent_to_contact", "agree to be contacted"),
        ({"email": "robin@"}, "email", "valid email"),
        ({"preferred_contact": "text", "phone": ""}, "phone", "phone number"),
        ({"phone": "call me"}, "phone", "area code"),
        ({"concerns": ""}, "concerns", "required"),
        ({"life_changes": ["other"]}, "life_change_other", "other change"),
        ({"age_group": "child"}, "age_group", "valid choice"),
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
            age_group="adolescent", guardian_name="Kim Fisher", guardian_email="kim@example.test"
        ),
    )
    assert response.status_code == 302
    request = IntakeRequest.objects.get(email="robin.fisher@example.test")
    assert (request.age_group, request.guardian_name) == ("adolescent", "Kim Fisher")


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
