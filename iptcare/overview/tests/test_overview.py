"""The course as its pages show it: the header and the course page's overview, read above
courses, formulation and measures, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.clients.services import client_create
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.services import course_open, note_open, note_sign
from iptcare.courses.tests.conftest import actor_for
from iptcare.formulation.services import focus_area_choose
from iptcare.overview.selectors import course_header_for, course_overview

# Noon in Toronto, the demo clinic's time zone, on a fixed day.
NOW = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
START = date(2026, 9, 7)


@pytest.fixture
def middle_phase_course(cast: Cast) -> Course:
    """A standard course with its three initial sessions held and grief chosen."""
    actor = actor_for(cast, "therapist")
    with time_machine.travel(NOW, tick=False):
        client = client_create(
            actor=actor_for(cast, "admin"),
            clinic=cast.clinic,
            legal_name="Grace Overview",
            date_of_birth=date(1988, 3, 1),
            therapists=[cast.users["therapist"]],
            status="active",
        )
        course = course_open(
            actor=actor,
            client=client,
            protocol="standard",
            therapist=cast.users["therapist"],
            start_date=START,
            planned_sessions=16,
            frequency="weekly",
        )
        for week in range(3):
            note = note_open(actor=actor, course=course, date=START + timedelta(weeks=week))
            note_sign(
                actor=actor,
                note=note,
                version=note.version,
                changes={"mood_rating": 5, "risk_check": "none_indicated"},
            )
        focus_area_choose(
            actor=actor,
            course=course,
            area="grief",
            evidence="Her mother died in May.",
            goals="Mourn; rebuild ties.",
        )
    return Course.objects.select_related("clinic", "client").get(pk=course.pk)


def test_the_header_reads_the_position_and_the_focus_areas_in_two_queries(
    middle_phase_course: Course,
) -> None:
    with CaptureQueriesContext(connection) as queries:
        header = course_header_for(middle_phase_course)
    assert len(queries) == 2
    assert header.position.label == "Session 4 of 16 · middle phase"
    assert [code for code, _label in header.focus_areas] == ["grief"]


def test_the_overview_reads_everything_the_course_page_shows_in_five_queries(
    middle_phase_course: Course,
) -> None:
    with CaptureQueriesContext(connection) as queries:
        overview = course_overview(middle_phase_course)
    assert len(queries) == 5
    assert overview.header == course_header_for(middle_phase_course)
    # Middle phase with the inventory, formulation and symptom measure still missing.
    assert overview.gate_warning and overview.open_gates


def test_a_note_opened_from_the_page_names_the_focus_areas_in_its_agenda(
    cast: Cast, middle_phase_course: Course
) -> None:
    course = middle_phase_course
    [(_code, grief)] = course_header_for(course).focus_areas
    with time_machine.travel(NOW, tick=False):
        response = cast.http("therapist").post(
            f"/courses/{course.pk}/notes/new/",
            {"date": (START + timedelta(weeks=3)).isoformat(), "attendance": "attended"},
        )
    assert response.status_code == 302
    note = SessionNote.objects.get(course=course, number=4)
    assert any(item.startswith("Focal work") and f"({grief})" in item for item in note.agenda)
    assert not any(item.startswith("No focus area is recorded yet") for item in note.agenda)
