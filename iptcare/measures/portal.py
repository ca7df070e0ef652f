"""What the client's portal shows (which questionnaires are due, and their progress), and
the session a questionnaire's answers are filed under, wherever it is answered.

Which session does a questionnaire belong to? The one it was given in:
* Given in session ("hand the device to the client"): the session whose note is dated
  today, open or already signed (the therapist may sign first, then hand the device
  over); without one, the course's current session (sessions held + 1, from the courses
  app): with a session booked today and its note not yet opened, that is today's session.
* Answered in the portal: the session whose note is open today (the client answering in
  the waiting room while the session is under way); otherwise the current session, so an
  evening answer after the day's note is signed belongs to the next session.
A note starts as a draft marked "attended", so "sessions held + 1" alone would file a
questionnaire given after the note was opened under the next session.

When is a questionnaire due? (also in docs/measures-scoring.md, "Due questionnaires")
* For the session its answers would be filed under (above).
* While that session's note is open today: due now (the session is under way).
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
from iptcare.courses.selectors import SessionOnDay, clinic_today, session_on_day
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


def _filed_under(today: SessionOnDay, *, in_session: bool) -> int:
    if today.number is not None and (in_session or today.is_open):
        return today.number
    return today.position.number


def session_for_answers(course: Course, *, in_session: bool) -> int:
    """The session a questionnaire answered now is filed under (see the module's
    docstring): `in_session` when given in session, else answered in the portal. One
    query; `course.clinic` must be loaded (its time zone decides what today is)."""
    today = session_on_day(course, clinic_today(course.clinic))
    return _filed_under(today, in_session=in_session)


def portal_state(client: Client) -> PortalState:
    course = open_course_for(client)
    if course is None:
        return PortalState(course=None)
    today = session_on_day(course, clinic_today(course.clinic))
    number = _filed_under(today, in_session=False)
    planned = measures_due_at(course, number)
    answered = answered_codes_for_session(course, number)
    state = PortalState(course=course, session_number=number)
    # A note open today: the session is under way and its questionnaires are due now,
    # whenever the next one is booked.
    if not today.is_open:
        hours = int(DUE_BEFORE.total_seconds() // 3600)
        soon = upcoming_sessions_for(client, within_hours=hours)
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
