from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import Cast
from iptcare.audit.services import Actor
from iptcare.courses.models import ClinicCourseSettings
from tests import factories

ROLE_OF = {"therapist": "therapist", "therapist2": "therapist", "student": "therapist"}


def clinic_today_for_tests() -> date:
    """Today in the cast clinic's time zone (the server's date may already be tomorrow)."""
    return datetime.now(ZoneInfo("America/Toronto")).date()


def actor_for(cast: Cast, role: str) -> Actor:
    return Actor(user=cast.users[role], role=ROLE_OF.get(role, role))


@pytest.fixture(autouse=True)
def course_settings(cast: Cast) -> ClinicCourseSettings:
    """The clinic's own choices within the protocols' rules, which these tests check:
    Standard IPT in 16-20 sessions, usually 16; IPT-A for ages 13-18."""
    return factories.course_settings(
        cast.clinic,
        default_planned_standard=16,
        min_planned_standard=16,
        max_planned_standard=20,
        ipt_a_min_age=13,
        ipt_a_max_age=18,
    )
