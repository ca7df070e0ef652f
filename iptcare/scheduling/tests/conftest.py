"""Helpers for scheduling tests: a therapist with known hours, a client, a frozen clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from iptcare.accounts.models import User
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.clients.services import client_create
from iptcare.clinic.models import Clinic, TherapistProfile
from iptcare.scheduling.models import WeeklyAvailability

TORONTO = ZoneInfo("America/Toronto")
SYSTEM = Actor(user=None, role="system", request_id="test")


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Make `timezone.now()` answer `moment` (the app reads the clock only through it)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TORONTO)


def make_therapist(
    clinic: Clinic,
    email: str,
    windows: list[tuple[int, int, int, str]],
    *,
    practicum_supervisor: User | None = None,
) -> User:
    """A therapist with weekly hours (weekday, start hour, end hour, location)."""
    therapist = User.objects.create_user(
        email=email,
        password=None,
        full_name="Test Therapist",
        clinic=clinic,
        is_therapist=True,
    )
    TherapistProfile.objects.create(
        clinic=clinic,
        user=therapist,
        kind="practicum" if practicum_supervisor else "registered",
        supervisor=practicum_supervisor,
        registration_number="" if practicum_supervisor else "99999",
        credentials="MSW, RSW",
    )
    for weekday, start, end, location in windows:
        WeeklyAvailability.objects.create(
            clinic=clinic,
            therapist=therapist,
            weekday=weekday,
            starts=time(start),
            ends=time(end),
            location=location,
        )
    return therapist


def make_client(clinic: Clinic, therapist: User, *, email: str = "") -> Client:
    client = client_create(
        actor=SYSTEM,
        clinic=clinic,
        legal_name="Test Person",
        date_of_birth=date(1990, 1, 1),
        therapists=[therapist],
        email=email,
        status="active",
    )
    if email:
        user = User.objects.create_user(
            email=email,
            password=None,
            full_name="Test Person",
            clinic=clinic,
            is_client=True,
        )
        client.user = user
        client.save(update_fields=["user"])
    return client


@pytest.fixture
def clinic_therapist(cast) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    counter = iter(range(1000))

    def build(windows: list[tuple[int, int, int, str]] | None = None, **kwargs: object) -> User:
        windows = windows if windows is not None else [(d, 9, 17, "in_person") for d in range(7)]
        return make_therapist(cast.clinic, f"t{next(counter)}@sched.test", windows, **kwargs)  # type: ignore[arg-type]

    return build
