"""A supervisee's fidelity over time: the mean by phase, the chart, the drift notice, and
the trend selector the supervisor's home uses (bounded queries)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.courses.models import SessionNote
from iptcare.supervision import selectors
from iptcare.supervision.models import FidelityRating, SupervisionSettings
from iptcare.supervision.tests.test_fidelity_rating import rate, student_notes
from tests import factories

DAY = "2026-08-04 12:00"


@pytest.fixture(autouse=True)
def _clock() -> object:
    with time_machine.travel(DAY, tick=False) as traveller:
        yield traveller


def test_the_drift_notice_shows_below_the_pass_mark(cast: Cast) -> None:
    notes = student_notes(cast, 5)
    for note, value in zip(notes[2:], [3, 3, 2], strict=True):
        rate(cast, note, value)
    trend = selectors.fidelity_trend([cast.users["student"].pk])[cast.users["student"].pk]
    assert trend.rated_sessions == 3 and trend.last_three_mean == Decimal("2.7")
    assert trend.drift
    notice = "The last three rated sessions average 2.7, below the clinic's pass mark of 3.0."
    assert trend.notice == notice
    assert trend.by_phase == {"initial": Decimal("3.0"), "middle": Decimal("2.5")}
    page = cast.http("supervisor").get(f"/supervision/fidelity/people/{cast.users['student'].pk}/")
    assert notice.replace("'", "&#x27;") in page.content.decode()
    mine = cast.http("student").get("/supervision/fidelity/mine/")
    assert notice.replace("'", "&#x27;") in mine.content.decode()


def test_no_notice_at_the_pass_mark_or_with_fewer_than_three_sessions(cast: Cast) -> None:
    notes = student_notes(cast, 5)
    rate(cast, notes[0], 1)
    rate(cast, notes[1], 1)
    student = cast.users["student"].pk
    assert selectors.fidelity_trend([student])[student].last_three_mean is None
    assert not selectors.fidelity_trend([student])[student].drift
    for note in notes[2:]:
        rate(cast, note, 3)
    trend = selectors.fidelity_trend([student])[student]
    assert trend.last_three_mean == Decimal("3.0") and not trend.drift
    # A self-rating never counts towards the drift notice.
    rate(cast, notes[4], 1, role="student", version=None)
    assert selectors.fidelity_trend([student])[student].last_three_mean == Decimal("3.0")


def test_the_clinics_own_pass_mark_is_used(cast: Cast) -> None:
    SupervisionSettings.objects.create(clinic=cast.clinic, pass_mark=Decimal("3.5"))
    for note in student_notes(cast, 3):
        rate(cast, note, 3)
    trend = selectors.fidelity_trend([cast.users["student"].pk])[cast.users["student"].pk]
    assert trend.drift and "pass mark of 3.5" in trend.notice


def test_the_chart_renders_with_a_table_for_screen_readers(cast: Cast) -> None:
    for note, value in zip(student_notes(cast, 4), [5, 4, 3, 2], strict=True):
        rate(cast, note, value)
    page = cast.http("student").get("/supervision/fidelity/mine/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'role="img"' in html and ">Below 3.0<" in html
    assert html.count("<circle") == 4
    assert "Fidelity: 4 rated sessions" in html  # the chart's description
    assert "Mean by phase" in html and "Initial phase" in html
    assert html.count("/supervision/fidelity/notes/") == 4


def _supervisees_with_ratings(cast: Cast, count: int) -> list[int]:
    supervisor = cast.users["supervisor"]
    ids = []
    for n in range(count):
        student = factories.therapist(cast.clinic, practicum_supervisor=supervisor)
        course = factories.open_course(therapist=student, weeks_ago=4)
        scale = selectors.fidelity_scale_of(cast.clinic.pk)
        for number in (1, 2, 3):
            note = SessionNote.objects.create(
                clinic=cast.clinic,
                course=course,
                number=number,
                date=course.start_date + timedelta(weeks=number),
                author=student,
                status=SessionNote.Status.AWAITING_COSIGNATURE,
            )
            FidelityRating.objects.create(
                clinic=cast.clinic,
                note=note,
                scale=scale,
                rater=supervisor,
                kind="supervisor",
                phase="initial",
                mean=Decimal(2 + n % 3),
            )
        ids.append(student.pk)
    return ids


@pytest.mark.parametrize("count", [2, 20])
def test_the_trend_selector_takes_two_queries_however_many_supervisees(
    cast: Cast, count: int
) -> None:
    ids = _supervisees_with_ratings(cast, count)
    with CaptureQueriesContext(connection) as queries:
        trends = selectors.fidelity_trend(ids)
    assert len(queries) == 2
    assert len(trends) == count
    assert trends[ids[0]].drift and not trends[ids[1]].drift  # means 2.0 and 3.0


def _person_page_queries(cast: Cast, student: User) -> int:
    browser = cast.http("supervisor")
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(f"/supervision/fidelity/people/{student.pk}/").status_code == 200
    return len(queries)


def test_the_person_page_query_count_does_not_grow_with_the_ratings(cast: Cast) -> None:
    notes = student_notes(cast, 6)
    for note in notes[:2]:
        rate(cast, note, 4)
    student = cast.users["student"]
    few = _person_page_queries(cast, student)
    for note in notes[2:]:
        rate(cast, note, 3)
        rate(cast, note, 4, role="student")
    assert _person_page_queries(cast, student) == few
