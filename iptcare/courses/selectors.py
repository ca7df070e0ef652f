"""Reads of courses. `course_get_for` is the one choke point: rules, then the audit log.

The position of a course ("Session 5 of 16 · middle phase") is derived from its notes:
a session is held when its note says the client attended, so missed sessions (late
cancellations, no-shows) do not use up the contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.rules import acting_role, clinical_role
from iptcare.clinic.models import Clinic
from iptcare.clinic.selectors import supervisee_ids
from iptcare.courses import protocols
from iptcare.courses.models import ClinicCourseSettings, Course, SessionNote

ATTENDED = Q(attendance=SessionNote.Attendance.ATTENDED)


def clinic_today(clinic: Clinic) -> date:
    """Today where the clinic is: session dates are the clinic's dates, not the server's."""
    return datetime.now(ZoneInfo(clinic.time_zone)).date()


# --- The choke point ------------------------------------------------------------------------


def _visible_course(user: User | None, pk: int) -> tuple[Course, str]:
    """The course and the role that grants `user` access to it, or Http404; records nothing.

    One query for the course and its client (what the rules and the access log read); its
    clinic is the user's own (the filter says so), which the request has loaded already.
    The therapist and the client's details load when a page shows them.
    """
    if user is None or not 0 < pk < 2**62:
        raise Http404
    course = (
        Course.objects.filter(clinic_id=user.home_clinic_id, pk=pk).select_related("client").first()
    )
    # courses.view_course is the client's clinical record (courses/rules.py); asking the
    # role that grants it answers both "may they?" and "as whom?" with one care-team query.
    role = clinical_role(user, course.client) if course is not None else None
    if course is None or role is None:
        raise Http404
    course.clinic = user.home_clinic
    return course, role


def course_get_for(*, actor: Actor, pk: int) -> Course:
    """The course if the actor may see it, and a read of it in the access log; 404
    otherwise (no existence leak, nothing logged).

    For pages and API calls that read. A request that may write goes through `course_visit`
    instead, so that its write is its one entry in the access log. A person who may see but
    not change the course gets PermissionDenied (403) from the caller's own check.
    """
    course, role = _visible_course(actor.user, pk)
    access_record(actor=actor.as_role(role), action="read", client=course.client, target=course)
    return course


@dataclass
class CourseVisit:
    """A request's access to a course (see `course_visit`)."""

    course: Course
    actor: Actor  # in the role that grants the access, for the services' own entries
    write_recorded: bool = False

    def written(self) -> None:
        """The service stored something and wrote its own entry (create, update) with
        `self.actor`: that entry is this request's access, so no read is added."""
        self.write_recorded = True


@contextmanager
def course_visit(*, actor: Actor, pk: int) -> Iterator[CourseVisit]:
    """The course for a request that may write to it, with exactly one access entry.

    Every request that reads a client's record leaves one entry in the access log. When
    the request stores something, the service's entry ("create", in `visit.actor`'s role)
    is that one: the view says so with `visit.written()`. When it stores nothing (the
    form shown, refused answers, a 403 from a later check), leaving the block records the
    read of the course. Forgetting `written()` logs a read too many, never one too few.
    Someone who may not see the course gets 404 on entering, and nothing is logged.

        with course_visit(actor=actor_from_request(request), pk=course_id) as visit:
            response = response_submit(actor=visit.actor, course=visit.course, ...)
            visit.written()
    """
    course, role = _visible_course(actor.user, pk)
    visit = CourseVisit(course=course, actor=actor.as_role(role))
    try:
        yield visit
    finally:
        if not visit.write_recorded:
            access_record(actor=visit.actor, action="read", client=course.client, target=course)


# --- Position in the course ----------------------------------------------------------------


@dataclass(frozen=True)
class CoursePosition:
    """Where a course stands. `number` is the session being worked towards: the sessions
    held so far plus one, capped at the planned length (a finished course stays on its
    last session)."""

    number: int
    held: int
    planned: int | None
    phase: protocols.Phase
    label: str
    is_ending: bool

    @property
    def sessions_left(self) -> int | None:
        """Sessions still to come, this one included; None when open-ended."""
        if self.planned is None:
            return None
        return max(self.planned - self.held, 0)


def position_for(protocol: protocols.Protocol, held: int, planned: int | None) -> CoursePosition:
    number = held + 1 if planned is None else max(min(held + 1, planned), 1)
    phase = protocols.phase_for(protocol, number, planned)
    return CoursePosition(
        number=number,
        held=held,
        planned=planned,
        phase=phase,
        label=protocols.session_label(number, planned, phase),
        is_ending=phase is protocols.Phase.TERMINATION,
    )


def course_positions(course_ids: Iterable[int]) -> dict[int, CoursePosition]:
    """Positions of many courses in one query (the caseload, lists of courses)."""
    rows = Course.objects.filter(pk__in=list(course_ids)).annotate(
        held=Count("notes", filter=Q(notes__attendance=SessionNote.Attendance.ATTENDED))
    )
    return {
        row.pk: position_for(protocols.get(row.protocol), row.held, row.planned_sessions)
        for row in rows.only("pk", "protocol", "planned_sessions")
    }


def course_position(course: Course) -> CoursePosition:
    # The model manager, not `course.notes`: a related manager is costly to build per call.
    held = SessionNote.objects.filter(ATTENDED, course_id=course.pk).count()
    return position_for(course.protocol_spec, held, course.planned_sessions)


@dataclass(frozen=True)
class SessionOnDay:
    """A course on one day of the clinic: where it stands, and the attended session whose
    note is dated that day, if there is one (the open draft preferred, as the session
    under way)."""

    position: CoursePosition
    number: int | None
    is_open: bool


def session_on_day(course: Course, day: date) -> SessionOnDay:
    """The course's position and its attended note dated `day` (a date of the clinic,
    see `clinic_today`), in one query: the attended notes' numbers, dates and states (a
    course has a few dozen at most), read plainly rather than aggregated, which costs
    less to build than the count with two filtered maxima it replaces."""
    notes = list(
        SessionNote.objects.filter(ATTENDED, course_id=course.pk).values_list(
            "number", "date", "status"
        )
    )
    position = position_for(course.protocol_spec, len(notes), course.planned_sessions)
    on_day = [(number, status) for number, when, status in notes if when == day]
    drafts = [number for number, status in on_day if status == SessionNote.Status.DRAFT]
    if drafts:
        return SessionOnDay(position, max(drafts), is_open=True)
    return SessionOnDay(position, max((n for n, _ in on_day), default=None), is_open=False)


def note_position(course: Course, note: SessionNote) -> CoursePosition:
    """The course as it stood at this note's session ("Session 9 of 16 · middle phase")."""
    return position_for(course.protocol_spec, max(note.number - 1, 0), course.planned_sessions)


# Notes not signed yet: drafts, and notes returned to their author for revision.
UNSIGNED = (SessionNote.Status.DRAFT, SessionNote.Status.RETURNED)


def unsigned_note_counts(course_ids: Iterable[int]) -> dict[int, int]:
    """Unsigned notes per course (courses without any are absent)."""
    rows = (
        SessionNote.objects.filter(course_id__in=list(course_ids), status__in=UNSIGNED)
        .values("course_id")
        .annotate(n=Count("pk"))
    )
    return {row["course_id"]: row["n"] for row in rows}


def _current_of_each_client(courses: Iterable[Course]) -> dict[int, Course]:
    """Each client's open course, else their latest (`courses` come latest first)."""
    result: dict[int, Course] = {}
    for course in courses:
        best = result.get(course.client_id)
        if best is None or (course.is_open and not best.is_open):
            result[course.client_id] = course
    return result


def current_courses_for_clients(client_ids: Iterable[int]) -> dict[int, Course]:
    """Each client's open course, else their latest one (clients without a course are
    absent). One query."""
    return _current_of_each_client(
        Course.objects.filter(client_id__in=list(client_ids))
        .select_related("therapist")
        .order_by("client_id", "-start_date", "-pk")
    )


@dataclass(frozen=True)
class CaseloadCourse:
    """A client's current course as the caseload shows it."""

    course: Course
    position: CoursePosition
    unsigned_notes: int


def caseload_courses(client_ids: Iterable[int]) -> dict[int, CaseloadCourse]:
    """Each client's current course (as `current_courses_for_clients`) with where it stands
    and its draft notes, counted in the same query (clients without a course are absent)."""
    courses = (
        Course.objects.filter(client_id__in=list(client_ids))
        .annotate(
            held=Count("notes", filter=Q(notes__attendance=SessionNote.Attendance.ATTENDED)),
            drafts=Count("notes", filter=Q(notes__status__in=UNSIGNED)),
        )
        .only("client_id", "therapist_id", "protocol", "planned_sessions", "status")
        .order_by("client_id", "-start_date", "-pk")
    )
    return {
        client_id: CaseloadCourse(
            course=course,
            position=position_for(
                course.protocol_spec,
                course.held,  # type: ignore[attr-defined]  # annotated by the query above
                course.planned_sessions,
            ),
            unsigned_notes=course.drafts,  # type: ignore[attr-defined]  # annotated above
        )
        for client_id, course in _current_of_each_client(courses).items()
    }


def courses_of_client(client_id: int) -> QuerySet[Course]:
    return (
        Course.objects.filter(client_id=client_id)
        .select_related("therapist")
        .order_by("-start_date", "-pk")
    )


def clinic_course_settings(clinic_id: int) -> ClinicCourseSettings:
    """The clinic's settings; protocol defaults when it has not set its own (unsaved)."""
    found = ClinicCourseSettings.objects.filter(clinic_id=clinic_id).first()
    return found or ClinicCourseSettings(clinic_id=clinic_id)


def default_planned_for(protocol: protocols.Protocol, settings: ClinicCourseSettings) -> int | None:
    if protocol.code == "standard":
        return settings.default_planned_standard
    return protocol.default_planned


def clinic_range_for(
    protocol: protocols.Protocol, settings: ClinicCourseSettings
) -> tuple[int | None, int | None]:
    if protocol.code == "standard":
        return settings.min_planned_standard, settings.max_planned_standard
    return None, None


# --- Notes ------------------------------------------------------------------------------------


def notes_of_course(course: Course) -> QuerySet[SessionNote]:
    return (
        SessionNote.objects.filter(course=course)
        .select_related("author", "cosigned_by")
        .annotate(amendment_count=Count("amendments"))
        .order_by("number", "date", "pk")
    )


def note_get_for(*, actor: Actor, course: Course, pk: int) -> SessionNote:
    """A note of a course the actor may already see (through `course_get_for`)."""
    if not 0 < pk < 2**62:
        raise Http404
    note = (
        SessionNote.objects.filter(course=course, pk=pk)
        .select_related("author__therapist_profile", "cosigned_by")
        .first()
    )
    if note is None:
        raise Http404
    user = actor.user
    access_record(
        actor=actor.as_role(acting_role(user, course.client)),
        action="read",
        client=course.client,
        target=note,
    )
    return note


# --- The course page -------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseSegment:
    phase: protocols.Phase
    first: int
    last: int | None
    # Start and share of the bar, in percent (open-ended courses show 12 sessions or more).
    offset: float
    width: float

    @property
    def sessions(self) -> str:
        if self.last is None:
            return f"sessions {self.first} onwards"
        if self.first == self.last:
            return f"session {self.first}"
        return f"sessions {self.first}–{self.last}"


def phase_segments(
    protocol: protocols.Protocol, planned: int | None, number: int, held: int
) -> tuple[list[PhaseSegment], float, float]:
    """The phase bar: segments, the current session's centre and the part held, in %."""
    span = planned if planned is not None else max(12, number)
    segments = []
    for phase, (first, last) in protocols.phase_bounds(protocol, planned).items():
        end = last if last is not None else span
        segments.append(
            PhaseSegment(
                phase,
                first,
                last,
                offset=round(100 * (first - 1) / span, 2),
                width=round(100 * (end - first + 1) / span, 2),
            )
        )
    marker = round(100 * (min(number, span) - 0.5) / span, 2)
    return segments, marker, round(100 * min(held, span) / span, 2)


@dataclass(frozen=True)
class CourseHeader:
    """What `{% course_header %}` shows on every page of a course. The focus areas are
    formulation's, so the header is put together above both apps
    (`iptcare.overview.selectors.course_header_for`) and handed to the template."""

    course: Course
    position: CoursePosition
    focus_areas: list[tuple[str, str]]  # (code, the clinic's label)


def notes_awaiting_cosignature(supervisor: User) -> list[SessionNote]:
    """Practicum students' signed notes that wait for this supervisor, oldest first: until
    co-signed they are not final (one query)."""
    return list(
        SessionNote.objects.filter(
            clinic_id=supervisor.home_clinic_id,
            status=SessionNote.Status.AWAITING_COSIGNATURE,
            author__in=supervisee_ids(supervisor),
        )
        .select_related("course__client", "author")
        .order_by("signed_at", "pk")
    )
