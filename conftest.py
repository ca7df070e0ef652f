"""Shared cast for every test: a clinic's people and public pages (built by
tests/factories.py), and a second clinic. No courses, notes or other clinical content: a
test that needs some builds it with the factories. The demo clinic is tested as the demo
(iptcare/*/tests/test_demo*), never used as the fixture of other tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client as HttpClient

from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic
from tests import factories

# IPTCARE_TEST_CLOCK moves the whole run's clock (scripts/test.sh's moved-clock passes).
pytest_plugins = ["tests.clock"]


@dataclass
class Cast:
    """Who is who. users: admin, therapist, therapist2, student (a practicum student),
    supervisor (the student's), client and client2 (portal logins), other_admin and
    other_therapist (of other_clinic). clients: client (therapist's, with client's portal
    login), client2 (therapist2's, with client2's login), student_client (the student's,
    no login) and other (other_clinic's)."""

    clinic: Clinic
    users: dict[str, User]
    clients: dict[str, Client]
    other_clinic: Clinic

    def http(self, role: str | None) -> HttpClient:
        browser = HttpClient()
        if role is not None:
            browser.force_login(self.users[role])
        return browser


def build_cast() -> Cast:
    clinic = factories.clinic(
        "Cast Test Clinic",
        address="1 Test Street\nToronto, ON M5S 0A0",
        phone="416-555-0100",
        email="clinic@cast.test",
    )
    supervisor = factories.supervisor(
        clinic, full_name="Dr. Sue Supervisor", email="supervisor@cast.test"
    )
    therapist = factories.therapist(
        clinic,
        full_name="Tara Therapist",
        email="therapist@cast.test",
        profession="Registered Social Worker",
        credentials="MSW, RSW",
        registration_number="100001",
    )
    therapist2 = factories.therapist(
        clinic,
        full_name="Theo Therapist",
        email="therapist2@cast.test",
        profession="Registered Psychotherapist",
        credentials="MA, RP",
        registration_number="100002",
    )
    student = factories.therapist(
        clinic,
        full_name="Stu Student",
        email="student@cast.test",
        practicum_supervisor=supervisor,
        profession="Master of Social Work student (practicum)",
    )
    users = {
        "admin": factories.administrator(clinic, full_name="Ada Admin", email="admin@cast.test"),
        "therapist": therapist,
        "therapist2": therapist2,
        "student": student,
        "supervisor": supervisor,
    }
    clients = {
        "client": factories.client(
            clinic,
            therapists=[therapist],
            legal_name="Cleo Client",
            preferred_name="Cle",
            pronouns="she/her",
            date_of_birth=date(1991, 4, 12),
            portal_email="client@cast.test",
        ),
        "client2": factories.client(
            clinic,
            therapists=[therapist2],
            legal_name="Cody Client",
            date_of_birth=date(1984, 9, 3),
            portal_email="client2@cast.test",
        ),
        "student_client": factories.client(
            clinic,
            therapists=[student],
            legal_name="Pat Practicum",
            date_of_birth=date(1995, 11, 8),
        ),
    }
    for key in ("client", "client2"):
        login = clients[key].user
        assert login is not None
        users[key] = login

    # The cast's clinic has public pages (the only clinic with them, so they answer on
    # any host); the second clinic has none.
    factories.public_site(clinic)

    other = factories.clinic("Lakeshore Counselling", time_zone="America/Vancouver")
    users["other_admin"] = factories.administrator(
        other, full_name="Olive Admin", email="admin@lakeshore.test"
    )
    users["other_therapist"] = factories.therapist(
        other, full_name="Otto Ther", email="therapist@lakeshore.test"
    )
    clients["other"] = factories.client(
        other,
        therapists=[users["other_therapist"]],
        legal_name="Olga Other",
        date_of_birth=date(1980, 1, 1),
    )
    return Cast(clinic=clinic, users=users, clients=clients, other_clinic=other)


_built: Cast | None = None


def _fresh(built: Cast) -> Cast | None:
    """The cast read again (each test gets its own instances), or None when it is gone
    (a transactional test, e.g. a browser journey, empties the database afterwards)."""
    clinics = Clinic.objects.in_bulk([built.clinic.pk, built.other_clinic.pk])
    if len(clinics) != 2:
        return None
    users = User.objects.in_bulk([u.pk for u in built.users.values()])
    clients = Client.objects.in_bulk([c.pk for c in built.clients.values()])
    return Cast(
        clinic=clinics[built.clinic.pk],
        users={role: users[u.pk] for role, u in built.users.items()},
        clients={key: clients[c.pk] for key, c in built.clients.items()},
        other_clinic=clinics[built.other_clinic.pk],
    )


def ensure_cast() -> Cast:
    """The cast, built again if it is not in the database any more."""
    global _built
    found = _fresh(_built) if _built is not None else None
    if found is None:
        _built = build_cast()
        found = _fresh(_built)
        assert found is not None
    return found


@pytest.fixture(autouse=True)
def _shared_cache_emptied(request: pytest.FixtureRequest) -> None:
    """The shared cache is a database table (settings.CACHES). A test's rollback empties it,
    but the flush after a transactional (browser) test knows only the models' tables, so
    such tests start from an empty cache: no cached choice outlives its clinic."""
    if "transactional_db" in request.fixturenames:
        from django.core.cache import cache

        request.getfixturevalue("transactional_db")
        cache.clear()


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
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
def django_db_setup(django_db_setup, django_db_blocker):
    # Built once per run; each test then rolls back its own changes on top of it.
    with django_db_blocker.unblock():
        ensure_cast()


@pytest.fixture
def _cast_in_database(django_db_setup, django_db_blocker) -> Cast:
    # Read (and after a transactional test emptied the database, built again) before the
    # test's transaction begins, so that a rebuilt cast stays for the tests after this one.
    with django_db_blocker.unblock():
        return ensure_cast()


@pytest.fixture
def cast(_cast_in_database: Cast, db: None) -> Cast:
    return _cast_in_database
