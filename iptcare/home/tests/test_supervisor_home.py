"""The supervisor's home: each supervisee with their clients, what waits for co-signature
(late past the clinic's limit), drafts unsigned after 48 hours and phase gates left open,
in a number of queries that does not grow with supervisees or clients."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.reports.tests.treatment_helpers import drafted, finished_course, signed
from iptcare.supervision.models import SupervisionSettings
from iptcare.supervision.services import meeting_log, note_return
from tests import factories

# A Wednesday afternoon in Toronto, the cast clinic's zone (in UTC, so that "30 days
# before" is 30 whole days across the change to summer time).
NOW = datetime(2026, 3, 11, 15, 0, tzinfo=ZoneInfo("America/Toronto")).astimezone(UTC)


def _supervisee_with_a_client(cast: Cast, n: int, *, draft: bool = True) -> User:
    """A practicum student of the cast's supervisor, with a client past the initial phase
    (three notes waiting for co-signature) and (with `draft`) the next note a draft."""
    student = factories.therapist(
        cast.clinic,
        full_name=f"Student {n} Practicum",
        practicum_supervisor=cast.users["supervisor"],
    )
    client = factories.client(cast.clinic, therapists=[student], legal_name=f"Client {n} Home")
    course = factories.open_course(client, weeks_ago=4)
    factories.signed_notes(course, 3)
    if draft:
        factories.note(course)
    return student


def _home_queries(cast: Cast) -> int:
    browser = cast.http("supervisor")
    browser.get("/home/")  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert browser.get("/home/").status_code == 200
    return len(captured)


@time_machine.travel(NOW, tick=False)
def test_the_query_count_does_not_grow_with_supervisees_or_clients(cast: Cast) -> None:
    for n in range(2):
        _supervisee_with_a_client(cast, n)
    few = _home_queries(cast)
    for n in range(2, 20):
        _supervisee_with_a_client(cast, n)
    many = _home_queries(cast)
    assert many == few
    body = cast.http("supervisor").get("/home/").content.decode()
    assert body.count('class="supervisee"') == 21  # the cast's student and these twenty


@pytest.fixture
def student_home(cast: Cast) -> str:
    """The supervisor's home on NOW, for a student with three notes signed 30 days ago and
    one nine days ago (the clinic's limit is 7 days), a draft opened three days ago, and a
    course in its middle phase with no formulation yet."""
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        student = _supervisee_with_a_client(cast, 1, draft=False)
    course = student.courses.get()
    with time_machine.travel(NOW - timedelta(days=9), tick=False):
        factories.signed_note(course)
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        factories.note(course)
    with time_machine.travel(NOW, tick=False):
        return cast.http("supervisor").get("/home/").content.decode()


def test_a_note_waiting_longer_than_the_clinic_limit_is_marked_late(student_home: str) -> None:
    section = student_home.split("Student 1 Practicum", 1)[1]
    assert "waiting 9 days" in section and "Late" in section
    assert section.index("waiting 30 days") < section.index("waiting 9 days")  # oldest first


def test_the_clinic_sets_how_long_a_note_may_wait(cast: Cast, student_home: str) -> None:
    SupervisionSettings.objects.create(clinic=cast.clinic, cosign_limit_days=60)
    with time_machine.travel(NOW, tick=False):
        body = cast.http("supervisor").get("/home/").content.decode()
    assert "waiting 30 days" in body and "late__mark" not in body


def test_drafts_unsigned_after_48_hours_and_open_gates_are_shown(student_home: str) -> None:
    section = student_home.split("Student 1 Practicum", 1)[1]
    assert "1 unsigned after 48 hours" in section
    assert "Open past the initial phase:" in section
    assert "Formulation" in section.split("Open past the initial phase:", 1)[1]


@time_machine.travel(NOW, tick=False)
def test_a_client_in_the_initial_phase_shows_no_gate_warning(cast: Cast) -> None:
    student = factories.therapist(
        cast.clinic, full_name="Student New", practicum_supervisor=cast.users["supervisor"]
    )
    client = factories.client(cast.clinic, therapists=[student], legal_name="Client Early")
    factories.open_course(client, weeks_ago=1)
    body = cast.http("supervisor").get("/home/").content.decode()
    section = body.split("Student New", 1)[1].split("</article>", 1)[0]
    assert "Client Early" in section and "Open past the initial phase" not in section


def test_another_supervisors_supervisees_are_not_shown(cast: Cast) -> None:
    other = factories.supervisor(cast.clinic, full_name="Dr. Other Supervisor")
    student = factories.therapist(
        cast.clinic, full_name="Student Elsewhere", practicum_supervisor=other
    )
    factories.client(cast.clinic, therapists=[student], legal_name="Client Elsewhere")
    body = cast.http("supervisor").get("/home/").content.decode()
    assert "Student Elsewhere" not in body and "Client Elsewhere" not in body


@time_machine.travel(NOW, tick=False)
def test_the_fidelity_trend_drift_notice_and_the_month_are_shown(cast: Cast) -> None:
    student, supervisor = cast.users["student"], cast.users["supervisor"]
    course = factories.open_course(cast.clients["student_client"], weeks_ago=3)
    notes = factories.signed_notes(course, 3)
    for note, score in zip(notes, [3, 2, 3], strict=True):
        factories.fidelity_rating(note, supervisor, score)
    meeting_log(
        actor=factories.actor(supervisor, "supervisor"),
        date=NOW.date(),
        minutes=75,
        kind="individual",
        supervisees=[student],
    )
    body = cast.http("supervisor").get("/home/").content.decode()
    section = body.split(student.full_name, 1)[1].split("</article>", 1)[0]
    assert "Fidelity: 2.7 over the last three rated sessions (pass mark 3.0)" in section
    assert "The last three rated sessions average 2.7, below the clinic" in section
    held = sum(1 for note in notes if note.date.month == NOW.month)
    assert f"This month: {held} session" in section and "1 h 15 min of supervision" in section


def test_a_returned_note_shows_as_waiting_for_the_student(cast: Cast) -> None:
    course = factories.open_course(cast.clients["student_client"], weeks_ago=2)
    note = factories.signed_note(course)
    note_return(
        actor=factories.actor(cast.users["supervisor"], "supervisor"),
        note=note,
        version=note.version,
        comment="Name the pattern you explored.",
    )
    body = cast.http("supervisor").get("/home/").content.decode()
    section = body.split(cast.users["student"].full_name, 1)[1].split("</article>", 1)[0]
    assert "1 returned for revision" in section and "Nothing to co-sign" in section
    assert f"/courses/{course.pk}/notes/{note.pk}/" in section


def test_a_students_report_waiting_for_co_signature_is_shown(cast: Cast) -> None:
    course = finished_course(cast.clients["student_client"])
    report = signed(drafted(course))
    assert report.status == "awaiting_cosignature"
    body = cast.http("supervisor").get("/home/").content.decode()
    section = body.split(cast.users["student"].full_name, 1)[1].split("</article>", 1)[0]
    assert "1 report to co-sign" in section
    assert f"/reports/treatment/{report.pk}/" in section
