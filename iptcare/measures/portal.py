"""What the client's portal shows: which questionnaires are due, and their progress.

When is a questionnaire due? (also in docs/measures-scoring.md, "Due questionnaires")
* The session it belongs to is the course's current session number (sessions held + 1,
  from the courses app).
* With a booked session: due from 48 hours before that session starts.
* With bookings but none in the next 48 hours: not yet due; the page says when it opens.
* With an open course and no booking at all: due now, so a client between bookings can
  still answer before they call to book.
* Due means: in the course's measurement plan for that session, enabled by the clinic,
  and not yet answered for that session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from iptcare.clients.models import Client
from iptcare.courses.models import Course
from iptcare.courses.selectors import course_position
from iptcare.measures import charts, outcomes
from iptcare.measures.models import QuestionnaireResponse
from iptcare.measures.selectors import (
    PlannedMeasure,
    answered_codes_for_session,
    local_date,
    measures_due_at,
)
from iptcare.scheduling.selectors import next_appointments, upcoming_sessions_for

DUE_BEFORE = timedelta(hours=48)
CALM_CODES = ("phq9", "phqa", "gad7")


@dataclass
class PortalState:
    course: Course | None
    session_number: int = 0
    due: list[PlannedMeasure] = field(default_factory=list)
    done: list[PlannedMeasure] = field(default_factory=list)
    opens_at: datetime | None = None
    booked_at: datetime | None = None


def open_course_for(client: Client) -> Course | None:
    return (
        Course.objects.filter(client=client)
        .exclude(status__in=[Course.Status.COMPLETED, Course.Status.ENDED_EARLY])
        .select_related("clinic", "therapist", "client")
        .order_by("-start_date", "-pk")
        .first()
    )


def current_session_number(course: Course) -> int:
    """The session being worked towards: answers given now belong to it."""
    return course_position(course).number


def portal_state(client: Client) -> PortalState:
    course = open_course_for(client)
    if course is None:
        return PortalState(course=None)
    number = current_session_number(course)
    planned = measures_due_at(course, number)
    answered = answered_codes_for_session(course, number)
    state = PortalState(course=course, session_number=number)
    soon = upcoming_sessions_for(client, within_hours=int(DUE_BEFORE.total_seconds() // 3600))
    if soon:
        state.booked_at = soon[0].starts_at
    else:
        later = next_appointments([client.pk]).get(client.pk)
        if later is not None:
            state.booked_at = later.starts_at
            state.opens_at = later.starts_at - DUE_BEFORE
            state.done = [m for m in planned if m.code in answered]
            return state
    state.due = [m for m in planned if m.code not in answered]
    state.done = [m for m in planned if m.code in answered]
    return state


@dataclass(frozen=True)
class Progress:
    """One of the client's charts, and the sentence they read under it."""

    chart: charts.Chart
    words: str


FIRST_SCORE_WORDS = "Your first score is in. The next ones will show how things are changing."


def my_progress(course: Course) -> list[Progress]:
    """Calm charts of the client's symptom scores, for the portal, each with one plain
    sentence from the measure's exact class (`outcomes.in_plain_words`): clients never see
    class names, cut-offs or the expected curve."""
    rows = QuestionnaireResponse.objects.filter(
        course_id=course.pk, code__in=CALM_CODES, complete=True
    ).values_list("code", "submitted_at", "total", "session_number")
    by_code: dict[str, list[charts.ChartPoint]] = {}
    for code, at, total, session_number in rows.order_by("submitted_at", "pk"):
        by_code.setdefault(code, []).append(
            charts.ChartPoint(local_date(at, course.clinic.time_zone), total, session_number)
        )
    return [
        Progress(charts.build_chart(code, points, calm=True), _words(code, points))
        for code, points in by_code.items()
        if points
    ]


def _words(code: str, points: list[charts.ChartPoint]) -> str:
    totals = [p.total for p in points if p.total is not None]
    if len(totals) < 2:
        return FIRST_SCORE_WORDS
    # PHQ-A has PHQ-9's range and thresholds (the therapist's page pairs them the same way).
    paired: outcomes.PairedMeasure = "gad7" if code == "gad7" else "phq9"
    return outcomes.in_plain_words(outcomes.measure_change(paired, totals[0], totals[-1]))
