"""The FHIR R4 export: the Bundle, its codes and references, and its stability."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.clients.models import Client
from iptcare.courses.models import Course, SessionNote
from iptcare.measures.instruments import GAD7, PHQ9
from iptcare.measures.models import QuestionnaireResponse, RiskFlag
from iptcare.reports import fhir, selectors, services
from tests import factories

pytestmark = pytest.mark.django_db

NOW = "2026-08-04 15:00:00+00:00"


def export(client: Client) -> dict[str, Any]:
    content = services.fhir_client_export(actor=factories.SYSTEM, client=client)
    return json.loads(content)


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def worked_course(cast: Cast, sessions: int = 3) -> Course:
    """The cast therapist's client in a course: attended sessions with PHQ-9 and GAD-7 at
    each, one missed session, a focus area with two goals, a contract and a risk flag."""
    client = cast.clients["client"]
    course = factories.open_course(client, weeks_ago=sessions + 2)
    for number in range(1, sessions + 1):
        factories.signed_note(course)
        item9 = 1 if number == 1 else 0
        factories.submit(
            course,
            "phq9",
            factories.phq9_answers(20 - number, item9),
            session_number=number,
            extras={"difficulty": 2},
        )
        factories.submit(course, "gad7", factories.gad7_answers(15 - number), session_number=number)
    factories.signed_note(course, attendance="no_show")
    factories.focus_area(course, "role_dispute", goals="Talk with Sam calmly\nAsk for help")
    factories.formulation(course, agreed_on=course.start_date + timedelta(days=14))
    return course


@time_machine.travel(NOW, tick=False)
def test_every_resource_parses_with_the_r4b_models_and_references_resolve(cast: Cast) -> None:
    worked_course(cast)
    content = services.fhir_client_export(actor=factories.SYSTEM, client=cast.clients["client"])
    bundle = Bundle.model_validate_json(content)
    assert bundle.type == "collection"
    data = json.loads(content)
    kinds = {e["resource"]["resourceType"] for e in data["entry"]}
    assert kinds == {
        "Organization",
        "Practitioner",
        "PractitionerRole",
        "Patient",
        "EpisodeOfCare",
        "Encounter",
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "Goal",
        "CarePlan",
        "Flag",
    }
    full_urls = {e["fullUrl"] for e in data["entry"]}
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    assert len(full_urls) == len(data["entry"])

    def references(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [node["reference"]] if isinstance(node.get("reference"), str) else []
            return found + [r for value in node.values() for r in references(value)]
        if isinstance(node, list):
            return [r for value in node for r in references(value)]
        return []

    refs = references(data)
    assert refs and set(refs) <= full_urls
    # Canonical links: every QuestionnaireResponse names a Questionnaire in the Bundle.
    urls = {q["url"] for q in resources(data, "Questionnaire")}
    assert {r["questionnaire"] for r in resources(data, "QuestionnaireResponse")} <= urls


def by_id(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def urn(client: Client, kind: str, pk: object) -> str:
    return f"urn:uuid:{fhir.resource_id(client.clinic_id, kind, pk)}"


@time_machine.travel(NOW, tick=False)
def test_the_totals_in_the_observations_are_the_scores_in_the_database(cast: Cast) -> None:
    worked_course(cast)
    client = cast.clients["client"]
    bundle = export(client)
    everything = by_id(bundle)
    observations = resources(bundle, "Observation")
    scored = QuestionnaireResponse.objects.filter(client=client, total__isnull=False)
    assert len(observations) == scored.count() == 6
    for response in scored:
        observation = everything[urn(client, "observation", response.pk)]
        assert observation["valueInteger"] == response.total
        assert observation["status"] == "final"
        assert observation["category"][0]["coding"][0]["code"] == "survey"
        assert observation["derivedFrom"] == [
            {"reference": urn(client, "questionnaire-response", response.pk)}
        ]
        assert observation["subject"] == {"reference": urn(client, "patient", client.pk)}
        assert observation["effectiveDateTime"].startswith(response.submitted_at.date().isoformat())
        expected = {"phq9": "44261-6", "gad7": "70274-6"}[response.code]
        assert observation["code"]["coding"][0] == {
            "system": "http://loinc.org",
            "code": expected,
            "display": f"{response.instrument.short_name} total score",
        }


@time_machine.travel(NOW, tick=False)
def test_questionnaires_carry_the_loinc_panel_and_item_codes(cast: Cast) -> None:
    worked_course(cast, sessions=1)
    bundle = export(cast.clients["client"])
    questionnaires = {q["url"]: q for q in resources(bundle, "Questionnaire")}
    phq9 = questionnaires["https://iptcare.example/fhir/Questionnaire/phq9"]
    gad7 = questionnaires["https://iptcare.example/fhir/Questionnaire/gad7"]
    assert phq9["code"][0]["system"] == "http://loinc.org"
    assert phq9["code"][0]["code"] == "44249-1"
    assert [i["code"][0]["code"] for i in phq9["item"]] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
        "69722-7",
    ]
    assert gad7["code"][0]["code"] == "69737-5"
    assert [i["code"][0]["code"] for i in gad7["item"]] == [
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ]
    # The LL358-3 answers, each with its score.
    first = phq9["item"][0]["answerOption"]
    assert [o["valueCoding"]["code"] for o in first] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]
    assert [o["valueCoding"]["extension"][0]["valueDecimal"] for o in first] == [0, 1, 2, 3]
    assert PHQ9.copyright == phq9["copyright"] and GAD7.loinc_total == "70274-6"


@time_machine.travel(NOW, tick=False)
def test_each_response_lists_every_answer_item_by_item(cast: Cast) -> None:
    worked_course(cast, sessions=1)
    client = cast.clients["client"]
    everything = by_id(export(client))
    for response in QuestionnaireResponse.objects.filter(client=client).prefetch_related("answers"):
        exported = everything[urn(client, "questionnaire-response", response.pk)]
        assert exported["questionnaire"] == fhir.questionnaire_url(response.code)
        assert exported["status"] == "completed"
        scores = {
            item["linkId"]: item["answer"][0]["valueCoding"]["extension"][0]["valueDecimal"]
            for item in exported["item"]
        }
        expected = {str(a.item_number): a.score for a in response.answers.all()}
        if response.code == "phq9":
            expected["difficulty"] = 2  # "Very difficult", stored, never in the total
        assert scores == expected
        assert sum(v for k, v in scores.items() if k.isdigit()) == response.total


@time_machine.travel(NOW, tick=False)
def test_episodes_encounters_goals_plan_and_flags(cast: Cast) -> None:
    course = worked_course(cast, sessions=2)
    client = cast.clients["client"]
    bundle = export(client)
    everything = by_id(bundle)
    (episode,) = resources(bundle, "EpisodeOfCare")
    assert episode["status"] == "active"
    assert episode["period"] == {"start": course.start_date.isoformat()}
    attended = SessionNote.objects.filter(course=course, attendance="attended")
    encounters = resources(bundle, "Encounter")
    assert len(encounters) == attended.count() == 2  # the no-show is not an encounter
    for encounter in encounters:
        assert encounter["episodeOfCare"] == [{"reference": urn(client, "episode", course.pk)}]
        assert encounter["status"] == "finished"
    goals = resources(bundle, "Goal")
    assert [g["description"]["text"] for g in goals] == ["Talk with Sam calmly", "Ask for help"]
    (plan,) = resources(bundle, "CarePlan")
    assert plan["category"][0]["coding"][0]["code"] == "role_dispute"
    assert len(plan["goal"]) == 2
    assert plan["activity"][0]["detail"]["scheduledTiming"]["repeat"]["count"] == 16
    assert "16 sessions, weekly" in plan["description"]
    (flag,) = resources(bundle, "Flag")
    db_flag = RiskFlag.objects.get(client=client)
    assert flag == everything[urn(client, "flag", db_flag.pk)]
    assert flag["status"] == "active" and flag["code"]["text"] == db_flag.reason
    (role,) = resources(bundle, "PractitionerRole")
    assert role["code"][0]["coding"][0]["code"] == "registered"
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == client.chart_number
    assert patient["birthDate"] == "1991-04-12"
    assert {n["text"] for n in patient["name"]} == {"Cleo Client", "Cle"}

    ended = factories.end_course(course)
    assert ended.ended_on is not None
    (episode,) = resources(export(client), "EpisodeOfCare")
    assert episode["status"] == "finished"
    assert episode["period"]["end"] == ended.ended_on.isoformat()


@time_machine.travel(NOW, tick=False)
def test_a_practicum_students_role_says_practicum(cast: Cast) -> None:
    course = factories.open_course(cast.clients["student_client"])
    factories.signed_note(course)
    (role,) = resources(export(cast.clients["student_client"]), "PractitionerRole")
    assert role["code"][0]["coding"][0]["code"] == "practicum"


@time_machine.travel(NOW, tick=False)
def test_two_exports_of_the_same_records_are_identical(cast: Cast) -> None:
    worked_course(cast, sessions=2)
    client = cast.clients["client"]
    first = services.fhir_client_export(actor=factories.SYSTEM, client=client)
    second = services.fhir_client_export(actor=factories.SYSTEM, client=client)
    assert first == second
    assert json.loads(first)["id"] == fhir.resource_id(client.clinic_id, "bundle", client.pk)


def _queries_of_export(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        records = selectors.fhir_records_for(clinic=client.clinic, client_ids=[client.pk])
        fhir.bundle_json(fhir.build_bundle(records, key=client.pk))
    return len(queries)


@time_machine.travel(NOW, tick=False)
def test_the_query_count_does_not_grow_with_the_sessions(cast: Cast) -> None:
    small = cast.clients["client"]
    worked_course(cast, sessions=2)
    large = factories.client(cast.clinic, therapists=[cast.users["therapist2"]])
    course = factories.open_course(large, weeks_ago=25, planned=20)
    for number in range(1, 21):
        factories.signed_note(course)
        factories.submit(course, "phq9", factories.phq9_answers(12), session_number=number)
    assert len(resources(export(large), "Encounter")) == 20
    assert _queries_of_export(small) == _queries_of_export(large) <= 10


# --- The API route -------------------------------------------------------------------------


def _everything(client: Client) -> str:
    return f"/api/v1/fhir/Patient/{client.pk}/$everything"


def _exports_logged(client: Client) -> int:
    return AccessEntry.objects.filter(client=client, action="export").count()


@time_machine.travel(NOW, tick=False)
def test_the_care_team_gets_the_bundle_as_fhir_json_and_it_is_audited(cast: Cast) -> None:
    worked_course(cast, sessions=1)
    client = cast.clients["client"]
    before = _exports_logged(client)
    response = cast.http("therapist").get(_everything(client))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    Bundle.model_validate_json(response.content)
    assert _exports_logged(client) == before + 1
    entry = AccessEntry.objects.filter(client=client, action="export").latest("pk")
    assert entry.user == cast.users["therapist"] and entry.acting_role == "therapist"


@pytest.mark.parametrize("role", ["therapist2", "student", "admin", "other_admin", "client"])
def test_someone_outside_the_care_team_gets_404_and_nothing_is_logged(
    cast: Cast, role: str
) -> None:
    client = cast.clients["client"]
    before = _exports_logged(client)
    response = cast.http(role).get(_everything(client))
    assert response.status_code == 404
    assert b"Cleo" not in response.content
    assert _exports_logged(client) == before


def test_an_administrator_who_broke_the_glass_gets_it(cast: Cast) -> None:
    from iptcare.clients.services import break_glass

    client = cast.clients["client"]
    admin = cast.users["admin"]
    break_glass(
        actor=factories.actor(admin, "administrator"),
        client=client,
        reason="A records request from the client.",
    )
    response = cast.http("admin").get(_everything(client))
    assert response.status_code == 200
    entry = AccessEntry.objects.filter(client=client, action="export").latest("pk")
    assert entry.user == admin and entry.acting_role == "administrator"


@pytest.mark.parametrize("bad", ["0", "99999999999999999999", "abc", "-1"])
def test_a_malformed_or_unknown_id_is_404_or_422_never_500(cast: Cast, bad: str) -> None:
    response = cast.http("therapist").get(f"/api/v1/fhir/Patient/{bad}/$everything")
    assert response.status_code in (404, 422)


def test_the_api_needs_a_login(cast: Cast) -> None:
    assert cast.http(None).get(_everything(cast.clients["client"])).status_code == 401


# --- The portal's "download my data" -------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_clients_download_holds_their_own_fhir_bundle(cast: Cast) -> None:
    worked_course(cast, sessions=1)
    client = cast.clients["client"]
    response = cast.http("client").post(reverse("portal:my_data"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    bundle = Bundle.model_validate_json(archive.read("my-record.fhir.json"))
    data = json.loads(bundle.model_dump_json())
    (patient,) = resources(data, "Patient")
    assert patient["identifier"][0]["value"] == client.chart_number
    assert patient["id"] == fhir.resource_id(client.clinic_id, "patient", client.pk)
