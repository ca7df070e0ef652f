"""The courses the formulation tests work on, built with tests/factories.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import Cast
from iptcare.courses.models import Course
from iptcare.courses.selectors import clinic_today
from tests import factories
from tests.factories import WorkedCourse


@pytest.fixture
def worked(cast: Cast) -> WorkedCourse:
    """The therapist's client's course in its middle phase, with its records."""
    return factories.course_in_middle_phase(cast.clients["client"])


@pytest.fixture
def course(worked: WorkedCourse) -> Course:
    return worked.course


@pytest.fixture
def student_course(cast: Cast) -> Course:
    """The practicum student's client's course (so the supervisor reads it): three people
    and one focus area, interpersonal deficits."""
    course = factories.open_course(cast.clients["student_client"], weeks_ago=5)
    factories.person(course, "Moe Mother", relation="mother", ring=1, practical_support=3)
    factories.person(course, "Una University", relation="university friend", confidant=True)
    factories.person(course, "Cole Coworker", relation="coworker", ring=3)
    factories.episode(course, starts_on=clinic_today(course.clinic) - timedelta(days=1500))
    factories.focus_area(course, "interpersonal_deficits")
    return course
