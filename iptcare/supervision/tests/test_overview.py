"""The supervision overview (the navigation's "Supervision"): a therapist's own supervisors
and records, a supervisor's supervisees, and for an administrator the clinic's counts and
times without any text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.courses.models import SessionNote
from tests import factories

NOW = datetime(2026, 8, 4, 16, 0, tzinfo=UTC)


def test_a_student_sees_their_supervisors_and_their_own_records(cast: Cast) -> None:
    body = cast.http("student").get("/supervision/").content.decode()
    assert "Supervised by <strong>Dr. Sue Supervisor</strong> (primary)" in body
    student = cast.users["student"].pk
    for url in (f"/supervision/hours/{student}/", f"/supervision/certification/{student}/"):
        assert url in body
    assert "The clinic&#x27;s supervision in numbers" not in body


def test_a_supervisor_sees_their_supervisees(cast: Cast) -> None:
    body = cast.http("supervisor").get("/supervision/").content.decode()
    assert cast.users["student"].full_name in body
    assert cast.users["therapist"].full_name not in body


@time_machine.travel(NOW, tick=False)
def test_an_administrator_sees_counts_and_times_not_text(cast: Cast) -> None:
    course = factories.open_course(cast.clients["student_client"], weeks_ago=3)
    notes = factories.signed_notes(course, 3, focus_work="Private words of the session.")
    factories.cosign(notes[0])
    SessionNote.objects.filter(pk=notes[0].pk).update(
        signed_at=NOW - timedelta(days=3), cosigned_at=NOW - timedelta(days=1)
    )
    factories.fidelity_rating(notes[0], cast.users["supervisor"], 4, comment="Secret comment.")
    body = cast.http("admin").get("/supervision/").content.decode()
    row = body.split(cast.users["student"].full_name, 1)[1].split("</tr>", 1)[0]
    cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in row.split("<td")[1:]]
    # co-signed, mean days, waiting, sessions this month, supervision, ratings, self-ratings
    assert cells[0] == "1" and cells[1] == "2.0" and cells[2] == "2"
    assert cells[5:] == ["1", "0"]
    assert "Private words" not in body and "Secret comment" not in body


def test_the_counts_cost_the_same_for_2_or_12_therapists(cast: Cast) -> None:
    browser = cast.http("admin")
    browser.get("/supervision/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get("/supervision/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(10):
        student = factories.therapist(
            cast.clinic,
            full_name=f"Extra Student {n}",
            practicum_supervisor=cast.users["supervisor"],
        )
        course = factories.open_course(therapist=student, weeks_ago=2)
        factories.cosign(factories.signed_note(course))
    assert queries() == few
