"""The roles behind the gates: each predicate holds for its role only, never logged out."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import Cast
from iptcare.accounts import rules as roles

HOLDERS = {
    "is_clinic_admin": {"admin"},
    "is_therapist": {"therapist", "student"},
    "is_supervisor": {"supervisor"},
    "is_client": {"client"},
    "is_clinic_staff": {"admin", "therapist", "student", "supervisor"},
}


@pytest.mark.parametrize("name", sorted(HOLDERS))
def test_a_role_is_held_by_its_people_only(cast: Cast, name: str) -> None:
    predicate = getattr(roles, name)
    for person in ["admin", "therapist", "student", "supervisor", "client"]:
        assert predicate.test(cast.users[person]) is (person in HOLDERS[name]), person
    assert predicate.test(AnonymousUser()) is False


def test_staff_are_offered_two_step_sign_in_and_clients_are_not(cast: Cast) -> None:
    for person in ["admin", "therapist", "supervisor", "client"]:
        offered = person != "client"
        assert cast.users[person].has_perm("accounts.use_two_factor") is offered, person
        page = cast.http(person).get("/home/", follow=True).content.decode()
        assert ("Two-step sign-in" in page) is offered, person


def test_the_main_menu_follows_the_roles(cast: Cast) -> None:
    def menu(person: str) -> str:
        return cast.http(person).get("/home/", follow=True).content.decode()

    assert "Audit log" in menu("admin") and "Clients" in menu("admin")
    assert "Clients" in menu("therapist") and "Audit log" not in menu("therapist")
    assert "Questionnaires" in menu("client") and "Clients" not in menu("client")
