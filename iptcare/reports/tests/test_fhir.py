"""The FHIR R4 export: the Bundle, its codes and references, and its stability."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from conftest import Cast
from iptcare.clients.models import Client
from iptcare.courses.models import Course
from iptcare.measures.models import QuestionnaireResponse
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
            course, "phq9", factories.phq9_answers(20 - number, item9), session_number=number,
            extras={"difficulty": 2},
        )
        factories.submit(
            course, "gad7", factories.gad7_answers(15 - number), session_number=number
        )
    factories.note(course, attendance="no_show")
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
        "Organization", "Practitioner", "PractitionerRole", "Patient", "EpisodeOfCare",
        "Encounter", "Questionnaire", "QuestionnaireResponse", "Observation", "Goal",
        "CarePlan", "Flag",
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
