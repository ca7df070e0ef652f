"""Shared cast for every test: the demo clinic's people, and a second clinic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client as HttpClient

from iptcare.accounts.models import User
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.clients.services import client_create
from iptcare.clinic.demo import demo_load
from iptcare.clinic.models import Clinic

DEMO_EMAILS = {
    "admin": "admin@demo.iptcare.test",
    "therapist": "therapist@demo.iptcare.test",
    "therapist2": "therapist2@demo.iptcare.test",
    "student": "student@demo.iptcare.test",
    "supervisor": "supervisor@demo.iptcare.test",
    "client": "client@demo.iptcare.test",
    "client2": "client2@demo.iptcare.test",
}


@dataclass
class Cast:
    clinic: Clinic
    users: dict[str, User]
    clients: dict[str, Client]
    other_clinic: Clinic

    def http(self, role: str | None) -> HttpClient:
        browser = HttpClient()
        if role is not None:
            browser.force_login(self.users[role])
        return browser


def ensure_cast() -> Cast:
    """Load the demo clinic and a second clinic if they are not there yet."""
    demo_load()
    clinic = Clinic.objects.get(name="Maple Grove IPT Clinic")
    users = {role: User.objects.get(email=email) for role, email in DEMO_EMAILS.items()}
    other = Clinic.objects.filter(name="Lakeshore Counselling").first()
    if other is None:
        other = Clinic.objects.create(
            name="Lakeshore Counselling",
            time_zone="America/Vancouver",
            # Two-step sign-in has its own tests (iptcare/accounts/tests/test_two_factor.py).
            require_staff_two_factor=False,
        )
        User.objects.create_user(
            email="admin@lakeshore.test",
            password="another-clinic-pw",
            full_name="Olive Admin",
            clinic=other,
            is_clinic_admin=True,
        )
        therapist = User.objects.create_user(
            email="therapist@lakeshore.test",
            password="another-clinic-pw",
            full_name="Otto Ther",
            clinic=other,
            is_therapist=True,
        )
        client_create(
            actor=Actor(user=None, role="system"),
            clinic=other,
            legal_name="Olga Other",
            date_of_birth=date(1980, 1, 1),
            therapists=[therapist],
            status="active",
        )
    users["other_admin"] = User.objects.get(email="admin@lakeshore.test")
    users["other_therapist"] = User.objects.get(email="therapist@lakeshore.test")
    clients = {
        "client": Client.objects.get(user=users["client"]),
        "client2": Client.objects.get(user=users["client2"]),
        "student_client": Client.objects.get(legal_name="Benjamin Cho"),
        "other": Client.objects.get(clinic=other),
    }
    return Cast(clinic=clinic, users=users, clients=clients, other_clinic=other)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():  # type: ignore[no-untyped-def]
    # Argon2 is deliberately slow; the cast is rebuilt often. Production settings keep
    # Argon2 first (tested in iptcare/accounts/tests).
    from django.test.utils import override_settings

    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        ]
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    # Built once per run; each test then rolls back its own changes on top of it.
    with django_db_blocker.unblock():
        ensure_cast()


@pytest.fixture
def cast(db) -> Cast:  # type: ignore[no-untyped-def]
    return ensure_cast()
