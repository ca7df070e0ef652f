"""The portal follows the course: "Before your first session" shows only until the client's
first session has been held (issue 10, item 8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from conftest import Cast
from iptcare.courses.selectors import clinic_today
from iptcare.scheduling import services
from tests import factories

NOW = datetime(2026, 8, 4, 16, 0, tzinfo=UTC)
CARD = "Before your first session"
EVERY_DAY = [(day, 9, 17, "in_person") for day in range(7)]


@pytest.fixture(autouse=True)
def _pinned() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _home(cast: Cast) -> str:
    response = cast.http("client").get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def _last_week(cast: Cast) -> datetime:
    return factories.local(cast.clinic, clinic_today(cast.clinic) - timedelta(days=7), 10)


def test_a_new_client_is_asked_to_reflect_before_the_first_session(cast: Cast) -> None:
    assert CARD in _home(cast)
    factories.open_course(cast.clients["client"], weeks_ago=0)
    assert CARD in _home(cast)


def test_the_card_goes_once_a_session_is_held(cast: Cast) -> None:
    course = factories.open_course(cast.clients["client"], weeks_ago=2)
    factories.note(course, attendance="no_show")
    assert CARD in _home(cast)  # a missed session is not a first session
    factories.signed_note(course)
    assert CARD not in _home(cast)


def test_the_card_goes_once_a_session_is_marked_attended_before_its_note(cast: Cast) -> None:
    factories.weekly_hours(cast.users["therapist"], EVERY_DAY)
    factories.fee(cast.users["therapist"])
    client = cast.clients["client"]
    factories.open_course(client, weeks_ago=2)
    factories.past_appointment(client, starts_at=_last_week(cast))
    assert CARD not in _home(cast)


def test_an_attended_consultation_is_not_the_first_session(cast: Cast) -> None:
    factories.weekly_hours(cast.users["therapist"], EVERY_DAY)
    factories.fee(cast.users["therapist"], kind="consultation", amount="0")
    client, starts_at = cast.clients["client"], _last_week(cast)
    with time_machine.travel(starts_at - timedelta(days=7), tick=False):
        booked = factories.appointment(client, starts_at=starts_at, kind="consultation")
    with time_machine.travel(starts_at + timedelta(hours=1), tick=False):
        services.appointment_mark(
            actor=factories.therapist_actor(booked.therapist),
            appointment=booked,
            outcome="attended",
        )
    assert CARD in _home(cast)
