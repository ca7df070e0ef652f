"""The client's pre-treatment self-reflection: saved as they go, read by the care team only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.intake import services
from iptcare.intake.models import SelfReflection
from iptcare.intake.selectors import reflection_for
from tests import factories

URL = reverse("intake:my_reflection")


def answers(**changes: str) -> dict[str, str]:
    data = {
        "mood_situations": "After arguments with my brother.",
        "symptom_pattern": "recur",
        "duration": "year",
        "duration_note": "Since last winter",
        "impact_note": "I call in sick more often.",
        "related_to_loss": "partly",
        "related_note": "My grandmother died.",
        "impact_work": "7",
        "impact_family": "9",
        "distress_loneliness": "8",
        "distress_money": "0",
    }
    data.update(changes)
    return data


def test_the_client_saves_their_answers_and_can_come_back_to_them(cast: Cast) -> None:
    browser = cast.http("client2")
    assert browser.get(URL).status_code == 200
    response = browser.post(URL, answers())
    assert response.status_code == 302
    reflection = SelfReflection.objects.get(client=cast.clients["client2"])
    assert reflection.symptom_pattern == "recur"
    assert reflection.impact == {"work": 7, "family": 9}
    assert reflection.distress == {"loneliness": 8, "money": 0}
    assert reflection.finished_at is None
    page = browser.get(URL).content.decode()
    assert "After arguments with my brother." in page
    assert AccessEntry.objects.filter(
        client=cast.clients["client2"], action="update", object_type="intake.selfreflection"
    ).exists()


def test_each_change_is_saved_as_they_go(cast: Cast) -> None:
    browser = cast.http("client2")
    response = browser.post(URL, {"mood_situations": "Mornings"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    other = reflection_for(cast.clients["client2"])
    assert other is not None and other.mood_situations == "Mornings"


def test_sharing_with_the_therapist_marks_it_finished(cast: Cast) -> None:
    browser = cast.http("client2")
    response = browser.post(URL, answers(finish="1"))
    assert response["Location"] == reverse("portal:home")
    assert SelfReflection.objects.get(client=cast.clients["client2"]).finished_at is not None


@pytest.mark.parametrize(
    "bad", [{"impact_work": "11"}, {"distress_money": "-1"}, {"symptom_pattern": "sometimes"}]
)
def test_an_answer_out_of_range_is_refused_and_changes_nothing(
    cast: Cast, bad: dict[str, str]
) -> None:
    browser = cast.http("client2")
    browser.post(URL, answers())
    response = browser.post(URL, answers(mood_situations="Changed", **bad))
    assert response.status_code == 400
    assert "valid choice" in response.content.decode()
    assert SelfReflection.objects.get(client=cast.clients["client2"]).mood_situations == (
        "After arguments with my brother."
    )


def test_ratings_outside_0_to_10_are_refused_by_the_service_too(cast: Cast) -> None:
    client = cast.clients["client2"]
    with pytest.raises(services.IntakeError):
        services.reflection_save(
            actor=Actor(user=cast.users["client2"], role="client"),
            client=client,
            impact={"work": 12},
            distress={},
        )
    with pytest.raises(services.IntakeError, match="Only the client"):
        services.reflection_save(
            actor=Actor(user=cast.users["therapist"], role="therapist"),
            client=client,
            impact={},
            distress={},
        )
    assert reflection_for(client) is None


def test_the_treating_therapist_reads_the_reflection(cast: Cast) -> None:
    client = cast.clients["client"]
    factories.self_reflection(
        client,
        mood_situations="Sunday evenings, thinking about the week.",
        distress={"loneliness": 9, "money": 2},
    )
    response = cast.http("therapist").get(reverse("intake:reflection", args=[client.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sunday evenings" in body and "Loneliness" in body and "9</strong>/10" in body
    # One entry for the request's reads of the record (audit.services.request_reads).
    assert AccessEntry.objects.filter(
        client=client,
        user=cast.users["therapist"],
        action="read",
        detail__contains="clients.view_clinical",
    ).exists()


@pytest.mark.parametrize(
    "role", ["therapist2", "student", "supervisor", "client", "client2", "other_admin"]
)
def test_nobody_outside_the_care_team_reads_it(cast: Cast, role: str) -> None:
    client = cast.clients["client"]
    factories.self_reflection(client, mood_situations="Sunday evenings, thinking about the week.")
    response = cast.http(role).get(reverse("intake:reflection", args=[client.pk]))
    assert response.status_code == 404
    assert "Sunday evenings" not in response.content.decode()


def test_an_administrator_must_break_the_glass_first(cast: Cast) -> None:
    client = cast.clients["client"]
    response = cast.http("admin").get(reverse("intake:reflection", args=[client.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:break_glass", args=[client.pk])


@pytest.mark.parametrize("role", ["therapist", "admin", "supervisor"])
def test_staff_have_no_self_reflection_of_their_own(cast: Cast, role: str) -> None:
    assert cast.http(role).get(URL).status_code == 403
