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
