"""Clinic outcome rates against a table of hand-built courses, one per denominator rule."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db.models import Q

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.courses.models import Course
from iptcare.intake.models import IntakeRequest
from iptcare.reports import selectors
from tests import factories

NOW = datetime(2026, 6, 30, 16, 0)
START, END = date(2026, 1, 1), date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _june_2026() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass(frozen=True)
class Built:
    name: str
    course: Course


def build(
    cast: Cast,
    name: str,
    *,
    therapist: str = "therapist",
    sessions: int = 3,
    phq9: Sequence[int] = (),
    gad7: Sequence[int] = (),
    status: str = "completed",
    start: date = date(2026, 3, 2),
    requested_weeks_before: int | None = None,
    focus: str | None = None,
    end: bool = True,
) -> Built:
    """A course of `sessions` weekly attended sessions from `start`, the scores given (the
    first in session 1, the others spread to the last session), ended on the last one."""
    who: User = cast.users[therapist]
    course = factories.open_course(therapist=who, start_date=start)
    for _ in range(sessions):
        factories.signed_note(course)
    for code, scores, answers in (
        ("phq9", phq9, factories.phq9_answers),
        ("gad7", gad7, factories.gad7_answers),
    ):
        for i, score in enumerate(scores):
            # The first in session 1, the last in the last session.
            session = 1 if i == 0 else max(sessions, 2)
            factories.submit(
                course,
                code,
                answers(score),
                session_number=session,
                at=factories.local(cast.clinic, start + timedelta(weeks=session - 1), 10),
            )
    if focus:
        factories.focus_area(course, focus)
    if requested_weeks_before is not None:
        request = factories.intake_request(cast.clinic)
        IntakeRequest.objects.filter(pk=request.pk).update(
            client=course.client,
            status=IntakeRequest.Status.CONVERTED,
            created_at=factories.local(
                cast.clinic, start - timedelta(weeks=requested_weeks_before), 9
            ),
        )
    if end:
        course = factories.end_course(
            course, status, reason="Stopped coming." * (status != "completed")
        )
    return Built(name, course)


@pytest.fixture
def table(cast: Cast) -> dict[str, Built]:
    rows = [
        # A case at the start, below caseness on both at the end, reliable drops: counted
        # everywhere; seen 3 weeks after the request.
        build(
            cast, "recovered", phq9=(15, 4), gad7=(12, 3), requested_weeks_before=3, focus="grief"
        ),
        # Not a case at the start: out of both recovery denominators; seen after 20 weeks.
        build(cast, "not a case", phq9=(6, 5), gad7=(5, 4), requested_weeks_before=20),
        # One attended session: not finished, in no denominator at all.
        build(cast, "one session", sessions=1, phq9=(15, 3), gad7=(10, 2)),
        # Two sessions but one score each: finished and a case at the start, not paired.
        build(cast, "unpaired", sessions=2, phq9=(14,), gad7=(9,)),
        # Ended early and reliably worse.
        build(cast, "deteriorated", sessions=2, phq9=(10, 18), gad7=(8, 13), status="ended_early"),
        # A reliable drop on PHQ-9 that leaves it at caseness: improved, not recovered;
        # seen 10 weeks after the request.
        build(cast, "improved", phq9=(20, 12), gad7=(10, 9), requested_weeks_before=10),
        # The practicum student's: a reliable drop and a reliable rise, so no reliable
        # change; still at caseness on GAD-7.
        build(cast, "mixed", therapist="student", phq9=(15, 8), gad7=(5, 10)),
        # Ended before the period, and still open: not counted.
        build(cast, "before", phq9=(15, 4), gad7=(12, 3), start=date(2025, 9, 1)),
        build(cast, "open", phq9=(15, 4), gad7=(12, 3), end=False),
    ]
    return {row.name: row for row in rows}


EXPECTED = {
    "recovery": (1, 5),
    "reliable_improvement": (2, 6),
    "reliable_recovery": (1, 5),
    "reliable_deterioration": (1, 6),
    "paired_data": (5, 6),
    "ended_early": (1, 6),
    "seen_within_6_weeks": (1, 3),
    "seen_within_18_weeks": (2, 3),
}


def totals_for(viewer: User, therapist: User | None = None) -> selectors.OutcomeGroup:
    return selectors.outcome_totals(
        selectors.outcome_courses(viewer=viewer, start=START, end=END, therapist=therapist)
    )


def figures_of(group: selectors.OutcomeGroup) -> dict[str, tuple[int, int]]:
    return {f.key: (f.numerator, f.denominator) for f in group.figures}


def test_the_rates_follow_each_denominator_rule(cast: Cast, table: dict[str, Built]) -> None:
    totals = totals_for(cast.users["admin"])
    assert totals.finished == 6
    assert figures_of(totals) == EXPECTED
    assert totals.figure("recovery").rate == pytest.approx(0.2)


def test_each_course_is_counted_where_its_rule_says(cast: Cast, table: dict[str, Built]) -> None:
    courses = selectors.outcome_courses(viewer=cast.users["admin"], start=START, end=END)
    behind = selectors.courses_behind(courses, figure="recovery", where=Q())
    by_pk = {c.pk: c.counted for c in behind}  # type: ignore[attr-defined]  # annotated by courses_behind
    names = {row.course.pk: name for name, row in table.items()}
    assert {names[pk]: counted for pk, counted in by_pk.items()} == {
        "recovered": True,
        "unpaired": False,
        "deteriorated": False,
        "improved": False,
        "mixed": False,
    }


def test_the_table_splits_by_therapist_focus_and_kind(cast: Cast, table: dict[str, Built]) -> None:
    groups = selectors.clinic_outcomes(viewer=cast.users["admin"], start=START, end=END)
    by = {(g.dimension, g.key): g for g in groups}
    student = by[("therapist", str(cast.users["student"].pk))]
    assert student.finished == 1
    assert figures_of(student)["reliable_improvement"] == (0, 1)
    assert by[("kind", "practicum")].finished == 1
    assert by[("kind", "registered")].finished == 5
    assert figures_of(by[("focus", "grief")])["recovery"] == (1, 1)
    assert by[("protocol", "standard")].finished == 6


def test_a_supervisor_counts_only_their_supervisees(cast: Cast, table: dict[str, Built]) -> None:
    totals = totals_for(cast.users["supervisor"])
    assert totals.finished == 1
    assert figures_of(totals)["paired_data"] == (1, 1)


def test_a_therapist_counts_nothing(cast: Cast, table: dict[str, Built]) -> None:
    totals = totals_for(cast.users["therapist"])
    assert totals.finished == 0
    assert totals.figure("recovery").rate is None


def test_one_therapist_only(cast: Cast, table: dict[str, Built]) -> None:
    totals = totals_for(cast.users["admin"], therapist=cast.users["student"])
    assert totals.finished == 1


def test_the_lists_behind_the_figures_hold_their_counts(
    cast: Cast, table: dict[str, Built]
) -> None:
    """The counts (SQL) and the course lists (Q) are two forms of one rule: they agree."""
    viewer = cast.users["admin"]
    courses = selectors.outcome_courses(viewer=viewer, start=START, end=END)
    for group in selectors.clinic_outcomes(viewer=viewer, start=START, end=END):
        where = selectors.group_filter(group.dimension, group.key)
        assert where is not None
        for figure in group.figures:
            listed = list(selectors.courses_behind(courses, figure=figure.key, where=where))
            assert len(listed) == figure.denominator, (group.key, figure.key)
            counted = sum(c.counted for c in listed)  # type: ignore[attr-defined]  # annotated by courses_behind
            assert counted == figure.numerator, (group.key, figure.key)
