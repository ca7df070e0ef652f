"""The certification tracker: standards as data, each case derived from the records, and
what is missing said in plain words."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.courses.models import Course
from iptcare.supervision import certification
from iptcare.supervision.models import SupervisionSettings
from iptcare.supervision.selectors import certification_progress
from iptcare.supervision.services import meeting_log
from tests import factories

# --- The standards, as data --------------------------------------------------------------


def test_both_shipped_standards_load() -> None:
    shipped = certification.standards()
    assert set(shipped) == {"three-supervised-cases", "two-portfolio-cases"}
    assert shipped["three-supervised-cases"].cases == 3
    portfolio = shipped["two-portfolio-cases"]
    assert portfolio.cases == 2 and portfolio.consultation_hours == 10
    assert "rated_recording" in portfolio.case_requires


GOOD = {
    "code": "x",
    "name": "X",
    "summary": "A standard.",
    "cases": 1,
    "case_requires": ["completed"],
    "consultation_hours": 0,
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name:"),
        ({"cases": "3"}, "cases:"),
        ({"cases": True}, "cases:"),
        ({"consultation_hours": 101}, "consultation_hours:"),
        ({"case_requires": []}, "case_requires:"),
        ({"case_requires": ["completed", "a_hunch"]}, "case_requires[1]:"),
    ],
)
def test_a_bad_standard_names_its_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(certification.StandardError, match=field.replace("[", r"\[")):
        certification.standard_from({**GOOD, **change})


def test_an_unknown_or_blank_choice_is_the_default_standard() -> None:
    assert certification.standard("").code == certification.DEFAULT_STANDARD
    assert certification.standard("gone").code == certification.DEFAULT_STANDARD


# --- Measures at intake and every four sessions ------------------------------------------


def _evidence(held: int, measures: set[tuple[str, int]]) -> certification.CaseEvidence:
    return certification.CaseEvidence(
        course_id=1,
        label="C-1",
        completed=True,
        phases=("initial", "middle", "termination"),
        sessions_held=held,
        measures=frozenset(measures),
    )


def test_measures_at_intake_and_every_four_sessions_leave_no_gap() -> None:
    given = {(code, n) for code in ("phq9", "gad7") for n in (1, 6, 9)}
    assert certification.measure_gaps(_evidence(10, given)) == []


def test_each_missing_measure_is_named_with_its_sessions() -> None:
    given = {("phq9", 1), ("gad7", 1), ("phq9", 5), ("phq9", 9), ("gad7", 12)}
    assert certification.measure_gaps(_evidence(12, given)) == ["GAD-7 in sessions 5–8"]
    assert certification.measure_gaps(_evidence(2, {("gad7", 2)})) == ["PHQ-9 and GAD-7 at intake"]


def test_phq_a_stands_in_for_phq_9() -> None:
    assert certification.measure_gaps(_evidence(1, {("phqa", 1), ("gad7", 1)})) == []


# --- Derived from the records ------------------------------------------------------------


def _completed_brief_course(
    cast: Cast, *, cosign_last: bool = True, portfolio: bool = False
) -> Course:
    """A Brief IPT course (8 sessions: initial 1–2, termination 7–8) of the cast's student,
    completed, each note co-signed by their supervisor except (without `cosign_last`) the
    two of the termination phase; with `portfolio`, an inventory of one and PHQ-9 and
    GAD-7 at sessions 1 and 5."""
    client = factories.client(cast.clinic, therapists=[cast.users["student"]])
    course = factories.open_course(client, protocol="brief", planned=8, weeks_ago=9)
    for note in factories.signed_notes(course, 8):
        if cosign_last or note.number < 7:
            factories.cosign(note)
    if portfolio:
        factories.person(course, "Pat Parent", relation="mother")
        for n in (1, 5):
            factories.submit(course, "phq9", factories.phq9_answers(12), session_number=n)
            factories.submit(course, "gad7", factories.gad7_answers(9), session_number=n)
    return factories.end_course(course)


def test_a_completed_course_supervised_in_every_phase_counts(cast: Cast) -> None:
    course = _completed_brief_course(cast)
    progress = certification_progress(cast.users["student"])
    case = next(c for c in progress.cases if c.evidence.course_id == course.pk)
    assert case.counts
    assert len(progress.counted) == 1
    assert progress.missing == ["2 more cases that count"]


def test_a_course_without_supervised_late_sessions_does_not_count(cast: Cast) -> None:
    course = _completed_brief_course(cast, cosign_last=False)
    case = next(
        c
        for c in certification_progress(cast.users["student"]).cases
        if c.evidence.course_id == course.pk
    )
    assert not case.counts
    assert [check.missing for check in case.missing] == ["no supervised late session"]


def test_an_open_course_does_not_count_yet(cast: Cast) -> None:
    client = factories.client(cast.clinic, therapists=[cast.users["student"]])
    course = factories.open_course(client, protocol="brief", planned=8, weeks_ago=3)
    for note in factories.signed_notes(course, 3):
        factories.cosign(note)
    case = next(
        c
        for c in certification_progress(cast.users["student"]).cases
        if c.evidence.course_id == course.pk
    )
    missing = {check.requirement: check.missing for check in case.missing}
    assert missing == {
        "completed": "the course is not completed yet",
        "supervised_phases": "no supervised late session",
    }


def test_the_portfolio_standard_asks_for_the_records_of_each_case(cast: Cast) -> None:
    SupervisionSettings.objects.create(
        clinic=cast.clinic, certification_standard_code="two-portfolio-cases"
    )
    course = _completed_brief_course(cast, portfolio=True)
    progress = certification_progress(cast.users["student"])
    case = next(c for c in progress.cases if c.evidence.course_id == course.pk)
    done = {check.requirement for check in case.checks if check.done}
    assert {"completed", "supervised_phases", "inventory", "measures_every_4_sessions"} <= done
    assert {check.requirement for check in case.missing} >= {"formulation"}
    assert "10 more consultation hours" in progress.missing


def test_the_tracker_page_shows_what_is_missing(cast: Cast) -> None:
    _completed_brief_course(cast, cosign_last=False)
    student = cast.users["student"]
    url = f"/supervision/certification/{student.pk}/"
    for role in ("student", "supervisor"):
        body = cast.http(role).get(url).content.decode()
        assert "Three supervised cases" in body
        assert "0 of 3" in body and "no supervised late session" in body
    assert cast.http("therapist").get(url).status_code == 404
    assert cast.http("client").get(url).status_code == 403


def test_the_tracker_queries_do_not_grow_with_courses(cast: Cast) -> None:
    student = cast.users["student"]
    url = f"/supervision/certification/{student.pk}/"
    browser = cast.http("student")
    browser.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(url).status_code == 200
        return len(captured)

    _completed_brief_course(cast)
    few = queries()
    for _ in range(3):
        _completed_brief_course(cast)
    assert queries() == few


def test_the_api_gives_the_same_progress(cast: Cast) -> None:
    course = _completed_brief_course(cast)
    student = cast.users["student"]
    url = f"/api/v1/supervision/certification/{student.pk}"
    data = cast.http("supervisor").get(url).json()
    assert data["standard"] == "three-supervised-cases" and data["cases_counted"] == 1
    assert data["cases"][0]["course_id"] == course.pk and data["cases"][0]["counts"]
    assert data["missing"] == ["2 more cases that count"]
    assert cast.http("therapist2").get(url).status_code == 404
    assert cast.http("client").get(url).status_code == 404
    schema = cast.http(None).get("/api/v1/openapi.json").json()
    assert "/api/v1/supervision/certification/{supervisee_id}" in schema["paths"]
    assert "CertificationOut" in schema["components"]["schemas"]


def test_a_meeting_that_discussed_the_client_supervises_the_session_before_it(
    cast: Cast,
) -> None:
    """The late sessions were not co-signed, but the supervisor discussed the client in a
    meeting after session 8: that covers the late phase, and its minutes count as
    consultation hours."""
    course = _completed_brief_course(cast, cosign_last=False)
    last = course.notes.get(number=8)
    meeting_log(
        actor=factories.actor(cast.users["supervisor"], "supervisor"),
        date=last.date,
        minutes=90,
        kind="individual",
        supervisees=[cast.users["student"]],
        chart_numbers=course.client.chart_number,
    )
    SupervisionSettings.objects.create(
        clinic=cast.clinic, certification_standard_code="two-portfolio-cases"
    )
    progress = certification_progress(cast.users["student"])
    case = next(c for c in progress.cases if c.evidence.course_id == course.pk)
    assert "supervised_phases" not in {check.requirement for check in case.missing}
    assert progress.consultation_hours == 1.5
    assert "8.5 more consultation hours" in progress.missing


def test_a_portfolio_case_with_every_record_counts(cast: Cast) -> None:
    """Inventory, agreed formulation, measures, a self-rating and a supervisor's rating
    that names the recording: every item of the portfolio standard is met."""
    SupervisionSettings.objects.create(
        clinic=cast.clinic, certification_standard_code="two-portfolio-cases"
    )
    student, supervisor = cast.users["student"], cast.users["supervisor"]
    client = factories.client(cast.clinic, therapists=[student])
    course = factories.open_course(client, protocol="brief", planned=8, weeks_ago=9)
    notes = factories.signed_notes(course, 8)
    factories.person(course, "Pat Parent", relation="mother")
    factories.formulation(course, agreed_on=notes[1].date)
    for n in (1, 5):
        factories.submit(course, "phq9", factories.phq9_answers(12), session_number=n)
        factories.submit(course, "gad7", factories.gad7_answers(9), session_number=n)
    factories.fidelity_rating(notes[0], supervisor)
    factories.fidelity_rating(notes[3], supervisor)
    factories.fidelity_rating(notes[3], student, kind="self")
    before = next(
        c for c in certification_progress(student).cases if c.evidence.course_id == course.pk
    )
    assert {check.requirement for check in before.missing} == {
        "completed",
        "supervised_phases",
        "rated_recording",
    }
    factories.fidelity_rating(notes[7], supervisor, recording_reference="session-8.mp4")
    factories.end_course(course)
    case = next(
        c for c in certification_progress(student).cases if c.evidence.course_id == course.pk
    )
    assert case.counts, [check.missing for check in case.missing]


def test_a_course_ended_early_is_said_so(cast: Cast) -> None:
    client = factories.client(cast.clinic, therapists=[cast.users["student"]])
    course = factories.open_course(client, protocol="brief", planned=8, weeks_ago=3)
    factories.signed_notes(course, 2)
    factories.end_course(course, "ended_early", reason="Moved away; referred on.")
    case = next(
        c
        for c in certification_progress(cast.users["student"]).cases
        if c.evidence.course_id == course.pk
    )
    assert case.missing[0].missing == "the course ended early"
