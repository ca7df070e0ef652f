"""The administrator adds clients and reads who opened a record; the pages ask the rules."""

from __future__ import annotations

from conftest import Cast

STAFF = ["admin", "therapist", "student", "supervisor"]


def test_only_the_administrator_adds_clients_and_reads_the_access_log(cast: Cast) -> None:
    for role in [*STAFF, "client"]:
        user = cast.users[role]
        assert user.has_perm("clients.add_client") is (role == "admin"), role
        assert user.has_perm("audit.view_access_log") is (role == "admin"), role


def test_the_client_pages_offer_the_administrators_actions_to_the_administrator(
    cast: Cast,
) -> None:
    detail = f"/clients/{cast.clients['client'].pk}/"
    for role in ["admin", "therapist"]:
        browser = cast.http(role)
        listing = browser.get("/clients/").content.decode()
        page = browser.get(detail).content.decode()
        assert ("Add a client" in listing) is (role == "admin"), role
        assert ("Who opened this record" in page) is (role == "admin"), role
        assert "Book</a>" in page, role
    assert (
        "Book</a>"
        not in cast.http("supervisor")
        .get(f"/clients/{cast.clients['student_client'].pk}/")
        .content.decode()
    )
