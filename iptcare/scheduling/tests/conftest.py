"""Helpers for scheduling tests: a therapist with known hours, a client, a frozen clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic
from iptcare.courses.selectors import clinic_today
from iptcare.scheduling.models import Appointment, Invoice
from tests import factories

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
    therapist = factories.therapist(
        clinic, email=email, password=None, practicum_supervisor=practicum_supervisor
    )
    factories.weekly_hours(therapist, windows)
    return therapist


def make_client(clinic: Clinic, therapist: User, *, email: str = "") -> Client:
    return factories.client(
        clinic,
        therapists=[therapist],
        legal_name="Test Person",
        date_of_birth=date(1990, 1, 1),
        portal_email=email or None,
        password=None,
    )


# The cast's therapists see clients every day; the student in the afternoons.
CAST_HOURS = {
    "therapist": [(day, 9, 17, "in_person") for day in range(7)],
    "therapist2": [(day, 10, 18, "in_person") for day in range(7)],
    "student": [(day, 13, 19, "in_person") for day in range(7)],
}
CAST_FEES = {"therapist": "160", "therapist2": "150"}  # a session; the student has none


@pytest.fixture(autouse=True)
def cast_hours_and_fees(cast: Cast) -> None:
    """The clinic's booking settings (24 hours' notice, a practicum rate of $40) and the
    cast's therapists' weekly hours and session fees; consultations are free."""
    factories.scheduling_settings(cast.clinic, notice_hours=24, practicum_rate=Decimal("40.00"))
    for role, windows in CAST_HOURS.items():
        factories.weekly_hours(cast.users[role], windows)
        factories.fee(cast.users[role], "consultation", "0")
    for role, amount in CAST_FEES.items():
        factories.fee(cast.users[role], "session", amount)


@pytest.fixture
def clinic_therapist(cast) -> Callable[..., User]:
    counter = iter(range(1000))

    def build(windows: list[tuple[int, int, int, str]] | None = None, **kwargs: Any) -> User:
        windows = windows if windows is not None else [(d, 9, 17, "in_person") for d in range(7)]
        return make_therapist(cast.clinic, f"t{next(counter)}@sched.test", windows, **kwargs)

    return build


@dataclass
class Bookings:
    upcoming: dict[str, Appointment]  # by cast client key
    invoices: dict[str, Invoice]  # of an attended session a week ago, by cast client key


@pytest.fixture
def bookings(cast: Cast) -> Bookings:
    """For each of the cast's clients with a therapist: a session attended (and billed)
    a week ago, the client's own paid by e-Transfer, and the next one booked four days
    ahead."""
    today = clinic_today(cast.clinic)
    hours = {"client": 10, "client2": 11, "student_client": 14}
    upcoming, invoices = {}, {}
    for key, hour in hours.items():
        client = cast.clients[key]
        past = factories.local(cast.clinic, today - timedelta(days=7), hour)
        _attended, invoice = factories.past_appointment(client, starts_at=past)
        assert invoice is not None
        invoices[key] = invoice
        ahead = factories.local(cast.clinic, today + timedelta(days=4), hour)
        upcoming[key] = factories.appointment(client, starts_at=ahead)
    factories.payment(invoices["client"], by=cast.users["admin"], method="etransfer")
    return Bookings(upcoming=upcoming, invoices=invoices)
