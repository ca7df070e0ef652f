from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.clients.models import BreakGlassAccess, Client
from iptcare.clients.services import ClientError, client_create
from tests import factories


def _admin(cast: Cast) -> Actor:
    return Actor(user=cast.users["admin"], role="administrator")


def test_chart_numbers_are_generated_in_sequence_per_clinic(cast: Cast) -> None:
    first = client_create(
        actor=_admin(cast), clinic=cast.clinic, legal_name="A B", date_of_birth=date(1990, 1, 1)
    )
    second = client_create(
        actor=_admin(cast), clinic=cast.clinic, legal_name="C D", date_of_birth=date(1990, 1, 1)
    )
    assert int(second.chart_number[1:]) == int(first.chart_number[1:]) + 1
    other = client_create(
        actor=_admin(cast),
        clinic=cast.other_clinic,
        legal_name="E F",
        date_of_birth=date(1990, 1, 1),
    )
    assert other.chart_number == "C00002"  # the second clinic counts on its own


@pytest.mark.parametrize(
    ("legal_name", "preferred_name", "shown"),
    [
        ("Cleo Client", "Cle", "Cle (Cleo Client)"),  # a short form is not the name itself
        ("Sally Smith", "Al", "Al (Sally Smith)"),
        ("Cleo Client", "Cleo", "Cleo Client"),
        ("Mary Ann Smith", "mary ann", "Mary Ann Smith"),
        ("Cleo Client", "", "Cleo Client"),
    ],
)
def test_the_preferred_name_is_shown_unless_the_legal_name_says_it(
    legal_name: str, preferred_name: str, shown: str
) -> None:
    assert Client(legal_name=legal_name, preferred_name=preferred_name).display_name == shown


def test_the_database_refuses_a_duplicate_chart_number_in_one_clinic(cast: Cast) -> None:
    existing = cast.clients["client"]
    with pytest.raises(IntegrityError):
        Client.objects.create(
            clinic=cast.clinic,
            chart_number=existing.chart_number,
            legal_name="Dup",
            date_of_birth=date(1990, 1, 1),
        )


def test_a_client_cannot_be_assigned_another_clinics_therapist(cast: Cast) -> None:
    with pytest.raises(ClientError, match="not a therapist"):
        client_create(
            actor=_admin(cast),
            clinic=cast.clinic,
            legal_name="X Y",
            date_of_birth=date(1990, 1, 1),
            therapists=[cast.users["other_therapist"]],
        )


def test_the_add_client_form_explains_each_bad_field_and_saves_nothing(cast: Cast) -> None:
    count = Client.objects.count()
    future = (date.today() + timedelta(days=3)).isoformat()
    response = cast.http("admin").post(
        "/clients/new/",
        {"legal_name": "", "date_of_birth": future, "email": "not-an-email", "status": "bogus"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert "cannot be in the future" in body
    assert "Enter a valid email address." in body
    assert "Select a valid choice." in body
    assert Client.objects.count() == count


def test_an_administrator_adds_a_client_and_lands_on_their_page(cast: Cast) -> None:
    response = cast.http("admin").post(
        "/clients/new/",
        {
            "legal_name": "Riley Quinn",
            "date_of_birth": "1992-05-05",
            "status": "intake",
            "therapists": [cast.users["therapist"].pk],
            "email": "Riley@Example.test",
        },
    )
    client = Client.objects.get(legal_name="Riley Quinn")
    assert response["Location"] == f"/clients/{client.pk}/"
    assert client.email == "riley@example.test"
    assert list(client.therapists.all()) == [cast.users["therapist"]]
    assert AccessEntry.objects.filter(client=client, action="create").exists()


def test_therapists_cannot_edit_administrative_details(cast: Cast) -> None:
    client = cast.clients["client"]
    name = client.legal_name
    response = cast.http("therapist").post(f"/clients/{client.pk}/edit/", {"legal_name": "Hacked"})
    assert response.status_code == 403
    client.refresh_from_db()
    assert client.legal_name == name


class TestBreakTheGlass:
    def test_an_administrator_is_asked_for_a_reason_before_clinical_notes(self, cast: Cast) -> None:
        client = cast.clients["client"]
        browser = cast.http("admin")
        response = browser.get(f"/clients/{client.pk}/record/")
        assert response.status_code == 302
        assert response["Location"] == f"/clients/{client.pk}/break-glass/"

    def test_a_missing_reason_is_refused_and_grants_nothing(self, cast: Cast) -> None:
        client = cast.clients["client"]
        browser = cast.http("admin")
        response = browser.post(f"/clients/{client.pk}/break-glass/", {"reason": "short"})
        assert response.status_code == 200
        assert "at least 10 characters" in response.content.decode()
        assert not BreakGlassAccess.objects.filter(client=client).exists()
        assert browser.get(f"/clients/{client.pk}/record/").status_code == 302

    def test_a_reason_opens_the_record_for_an_hour_and_is_audited(self, cast: Cast) -> None:
        client = factories.client(
            cast.clinic,
            therapists=[cast.users["therapist"]],
            presenting_concerns="Low mood since starting a new job.",
        )
        browser = cast.http("admin")
        reason = "Records request from the client's lawyer, ticket 4411"
        response = browser.post(f"/clients/{client.pk}/break-glass/", {"reason": reason})
        assert response["Location"] == f"/clients/{client.pk}/record/"
        record = browser.get(f"/clients/{client.pk}/record/")
        assert record.status_code == 200
        assert "new job" in record.content.decode()
        glass = AccessEntry.objects.get(client=client, action="break_glass")
        assert glass.detail == reason and glass.acting_role == "administrator"
        read = AccessEntry.objects.filter(client=client, action="read").latest("pk")
        assert read.detail == "clients.view_clinical"
        access = BreakGlassAccess.objects.get(client=client)
        assert access.expires_at - access.created_at == timedelta(hours=1)

    def test_the_access_ends_after_an_hour(self, cast: Cast) -> None:
        client = cast.clients["client"]
        browser = cast.http("admin")
        browser.post(f"/clients/{client.pk}/break-glass/", {"reason": "Emergency contact needed"})
        BreakGlassAccess.objects.filter(client=client).update(
            expires_at=BreakGlassAccess.objects.get(client=client).created_at
        )
        assert browser.get(f"/clients/{client.pk}/record/").status_code == 302


def test_a_supervisor_sees_the_students_clients_but_not_others(cast: Cast) -> None:
    browser = cast.http("supervisor")
    assert browser.get(f"/clients/{cast.clients['student_client'].pk}/record/").status_code == 200
    assert browser.get(f"/clients/{cast.clients['client'].pk}/").status_code == 404
    listed = {c.pk for c in browser.get("/clients/").context["page"]}
    student_clients = set(
        Client.objects.filter(therapists=cast.users["student"]).values_list("pk", flat=True)
    )
    assert listed == student_clients


def test_a_care_team_rule_asks_the_database_each_time(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from iptcare.clients.rules import acting_role, is_assigned_therapist

    client = Client.objects.get(pk=cast.clients["client"].pk)
    therapist = cast.users["therapist"]
    with CaptureQueriesContext(connection) as checks:
        assert is_assigned_therapist(therapist, client)
        assert acting_role(therapist, client) == "therapist"
    # One lookup in the link table each: nothing is remembered on the loaded record...
    assert len(checks) == 2
    assert all("clients_client_therapists" in q["sql"] for q in checks)
    # ...so the same record sees a change at once.
    client.therapists.remove(therapist)
    assert not is_assigned_therapist(therapist, client)
