from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.clients.services import client_create


def _add_clients(cast: Cast, n: int, therapist: str) -> None:
    for i in range(n):
        client_create(
            actor=Actor(user=None, role="system"),
            clinic=cast.clinic,
            legal_name=f"Extra Client {therapist} {i}",
            date_of_birth=date(1990, 1, 1),
            therapists=[cast.users[therapist]],
            status="active",
        )


def _queries(browser, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "url", "therapist"),
    [
        ("therapist", "/home/", "therapist"),
        ("supervisor", "/home/", "student"),
        ("admin", "/home/", "therapist"),
        ("admin", "/clients/", "therapist"),
        ("therapist", "/clients/", "therapist"),
        ("admin", "/clinic/staff/", "therapist"),
        ("admin", "/audit/", "therapist"),
    ],
)
def test_page_queries_do_not_grow_with_the_number_of_rows(
    cast: Cast, role: str, url: str, therapist: str
) -> None:
    browser = cast.http(role)
    _add_clients(cast, 5, therapist)
    browser.get(url)  # warm the session
    few = _queries(browser, url)
    _add_clients(cast, 40, therapist)
    many = _queries(browser, url)
    assert many == few


def test_the_therapist_home_lists_their_own_caseload_only(cast: Cast) -> None:
    body = cast.http("therapist").get("/home/").content.decode()
    assert "My caseload" in body and cast.clients["client"].legal_name in body
    assert cast.clients["client2"].legal_name not in body


def test_the_supervisor_home_lists_supervisees_and_their_clients(cast: Cast) -> None:
    body = cast.http("supervisor").get("/home/").content.decode()
    assert cast.users["student"].full_name in body
    assert cast.clients["student_client"].legal_name in body
    assert cast.clients["client"].legal_name not in body


def test_the_administrator_home_is_a_clinic_overview(cast: Cast) -> None:
    response = cast.http("admin").get("/home/")
    assert "Clinic overview" in response.content.decode()
    total = Client.objects.filter(clinic=cast.clinic).count()
    assert response.context["overview"]["clients"]["total"] == total


def test_a_client_is_sent_to_their_portal(cast: Cast) -> None:
    response = cast.http("client").get("/home/")
    assert response["Location"] == "/portal/"
    portal = cast.http("client").get("/portal/").content.decode()
    client, therapist = cast.clients["client"], cast.users["therapist"]
    assert f"Hello, {client.preferred_name}" in portal and "9-8-8" in portal
    assert therapist.full_name in portal


def test_a_person_with_two_staff_roles_sees_both_sections(cast: Cast) -> None:
    admin = cast.users["admin"]
    admin.is_therapist = True
    admin.save()
    body = cast.http("admin").get("/home/").content.decode()
    assert "My caseload" in body and "Clinic overview" in body
