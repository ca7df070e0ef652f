from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import Cast
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.clients.services import client_create
from iptcare.courses.models import Course
from iptcare.courses.services import course_open

ROLE_OF = {"therapist": "therapist", "therapist2": "therapist", "student": "therapist"}


def clinic_today_for_tests() -> date:
    """Today in the demo clinic's time zone (the server's date may already be tomorrow)."""
    return datetime.now(ZoneInfo("America/Toronto")).date()


def actor_for(cast: Cast, role: str) -> Actor:
    return Actor(user=cast.users[role], role=ROLE_OF.get(role, role))


@pytest.fixture
def new_client(cast: Cast) -> Callable[..., Client]:
    def make(role: str = "therapist", born: date = date(1990, 5, 1)) -> Client:
        return client_create(
            actor=actor_for(cast, "admin"),
            clinic=cast.clinic,
            legal_name=f"Test Client {Client.objects.count()}",
            date_of_birth=born,
            therapists=[cast.users[role]],
            status="active",
        )

    return make


@pytest.fixture
def open_course(cast: Cast, new_client: Callable[..., Client]) -> Callable[..., Course]:
    def make(
        role: str = "therapist",
        protocol: str = "standard",
        planned: int | None = 16,
        weeks_ago: int = 10,
    ) -> Course:
        return course_open(
            actor=actor_for(cast, role),
            client=new_client(role),
            protocol=protocol,
            therapist=cast.users[role],
            start_date=clinic_today_for_tests() - timedelta(weeks=weeks_ago),
            planned_sessions=planned,
            frequency="weekly",
        )

    return make
