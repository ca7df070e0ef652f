"""Reads of courses. `course_get_for` is the one choke point: rules, then the audit log.

The position of a course ("Session 5 of 16 · middle phase") is derived from its notes:
a session is held when its note says the client attended, so missed sessions (late
cancellations, no-shows) do not use up the contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BooleanField, Count, IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clients.rules import acting_role, remember_assignment
from iptcare.clinic.models import Clinic
from iptcare.courses import protocols
from iptcare.courses.models import ClinicCourseSettings, Course, SessionNote

ATTENDED = Q(attendance=SessionNote.Attendance.ATTENDED)


def clinic_today(clinic: Clinic) -> date:
    """Today where the clinic is: session dates are the clinic's dates, not the server's."""
    return datetime.now(ZoneInfo(clinic.time_zone)).date()


def _column(model: Any, field: str) -> str:
    quote = connection.ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"


@cache  # the SQL text is fixed (SQLite and PostgreSQL quote names alike)
def _fetch_sql() -> tuple[str, str]:
    """Two correlated subqueries for the choke point, as SQL: whether the viewer is
    assigned to the client (one parameter: the viewer), and the sessions held (one: the
    attended value). Written out because Django compiles an `Exists(queryset)` or
    `Subquery` for every request at about the cost of a whole extra query, and this fetch
    runs on every course page."""
    link = Client.therapists.through
    assigned = (
        f"EXISTS (SELECT 1 FROM {connection.ops.quote_name(link._meta.db_table)} "
        f"WHERE {_column(link, 'client')} = {_column(Course, 'client')} "
        f"AND {_column(link, 'user')} = %s)"
    )
    held = (
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(SessionNote._meta.db_table)} "
        f"WHERE {_column(SessionNote, 'course')} = {_column(Course, 'id')} "
        f"AND {_column(SessionNote, 'attendance')} = %s)"
    )
    return assigned, held


# A lean fetch loads, of the course, what the rules, a questionnaire and its scoring read;
# of the client, what the rules and the audit log read. Only fields the database returns
# as Python wants them (numbers, text): no converters run on this path.
_LEAN_COURSE = ("id", "clinic", "client", "therapist", "protocol", "planned_sessions", "status")
_LEAN_CLIENT = ("id", "clinic", "user")


def _lean_fields(model: Any, names: tuple[str, ...]) -> list[Any]:
    # In the model's order: `Model.from_db` pairs values with fields in that order.
    return [field for field in model._meta.concrete_fields if field.name in names]


@cache
def _lean_attnames() -> tuple[list[str], list[str]]:
    return (
        [f.attname for f in _lean_fields(Course, _LEAN_COURSE)],
        [f.attname for f in _lean_fields(Client, _LEAN_CLIENT)],
    )


@cache
def _lean_sql() -> str:
    assigned, held = _fetch_sql()
    quote = connection.ops.quote_name
    columns = [_column(Course, f.name) for f in _lean_fields(Course, _LEAN_COURSE)]
    columns += [_column(Client, f.name) for f in _lean_fields(Client, _LEAN_CLIENT)]
    return (
        f"SELECT {', '.join(columns)}, {assigned}, {held} "
        f"FROM {quote(Course._meta.db_table)} INNER JOIN {quote(Client._meta.db_table)} "
        f"ON {_column(Course, 'client')} = {_column(Client, 'id')} "
        f"WHERE {_column(Course, 'clinic')} = %s AND {_column(Course, 'id')} = %s"
    )


def _lean_course(user: User, pk: int) -> Course | None:
    """The course for a page that shows nobody's details (the questionnaire handed to the
    client, the clinic's most frequent write), in one statement run without the ORM's
    per-request compilation: the same filter as the full fetch, the instances built with
    `Model.from_db` as the ORM builds them, every other field deferred (loaded on first
    use, which the handover pages' query-count test would catch)."""
    with connection.cursor() as cursor:
        cursor.execute(_lean_sql(), [user.pk, SessionNote.Attendance.ATTENDED, user.clinic_id, pk])
        row = cursor.fetchone()
    if row is None:
        return None
    course_fields, client_fields = _lean_attnames()
    at = len(course_fields)
    course = Course.from_db(connection.alias, course_fields, row[:at])
    client = Client.from_db(connection.alias, client_fields, row[at : at + len(client_fields)])
    Course.client.field.set_cached_value(course, client)
    course.viewer_is_assigned, course.held_when_fetched = bool(row[-2]), row[-1]
    return course


def _full_course(user: User, pk: int, *, with_clinic: bool) -> Course | None:
    related = ["client", "therapist__therapist_profile"]
    if with_clinic:
        related += ["client__clinic", "clinic"]
    # No ORDER BY: the primary key picks one row, and ordering costs compile time.
    assigned, held = _fetch_sql()
    found = list(
        Course.objects.filter(clinic_id=user.clinic_id, pk=pk)
        .select_related(*related)
        .annotate(
            viewer_is_assigned=RawSQL(assigned, (user.pk,), output_field=BooleanField()),
            held_when_fetched=RawSQL(
                held, (SessionNote.Attendance.ATTENDED,), output_field=IntegerField()
            ),
        )
        .order_by()[:1]
    )
    return found[0] if found else None


def _visible_course(actor: Actor, pk: int, *, lean: bool = False) -> tuple[Course, str]:
    """The course and the role the actor sees it in, or Http404; records nothing.
    The course comes with `held_when_fetched`, the sessions held at that moment
    (`course_position_as_fetched`). `lean=True` is for pages that show nobody's details:
    the client comes with what the rules and the audit log need (the rest loads on first
    use) and the therapist is not joined."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    # The clinic is the actor's own (the filter says so): reuse the user's clinic when it is
    # already loaded (the time-zone middleware loads it) instead of joining it twice.
    clinic = user.clinic if User.clinic.is_cached(user) else None
    if lean and clinic is not None:
        course = _lean_course(user, pk)
    else:
        course = _full_course(user, pk, with_clinic=clinic is None)
    if course is None:
        raise Http404
    remember_assignment(course.client, user, bool(course.viewer_is_assigned))
    if clinic is not None:
        course.clinic = clinic
        if course.client.clinic_id == clinic.pk:
            course.client.clinic = clinic
    if not user.has_perm("courses.view_course", course):
        raise Http404
    return course, acting_role(user, course.client)


def course_get_for(*, actor: Actor, pk: int, perm: str = "courses.view_course") -> Course:
    """The course if the actor may see it; 404 otherwise (no existence leak).

    With perm="courses.change_course" a person who may see but not change the course
    gets PermissionDenied (403) from the caller's check, not here: this only hides.
    """
    course, role = _visible_course(actor, pk)
    access_record(actor=actor.as_role(role), action="read", client=course.client, target=course)
    return course


def course_get_unrecorded_for(*, actor: Actor, pk: int) -> tuple[Course, Actor]:
    """Like `course_get_for` (same rules, same 404) but without the read entry, for a
    request that writes: it returns the actor in the role that grants access, and the
    caller MUST record exactly one access entry with it before answering (the write's own
    entry, or `course_access_record` when nothing is written). One audit insert per
    request instead of a read entry followed by a write entry for the same access.
    The course comes lean: its therapist and the client's details load on first use (the
    questionnaire handed to the client shows neither)."""
    course, role = _visible_course(actor, pk, lean=True)
    return course, actor.as_role(role)


def course_access_record(*, actor: Actor, course: Course) -> None:
    """The read entry `course_get_unrecorded_for` left to its caller."""
    access_record(actor=actor, action="read", client=course.client, target=course)


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


def course_position_as_fetched(course: Course) -> CoursePosition:
    """The position from the count fetched with the course by the choke point, for a
    request that needs it before writing anything (one query less); counts afresh when
    the course was loaded any other way. After a write, use `course_position`."""
    held = course.__dict__.get("held_when_fetched")
    if held is None:
        return course_position(course)
    return position_for(course.protocol_spec, held, course.planned_sessions)


def note_position(course: Course, note: SessionNote) -> CoursePosition:
    """The course as it stood at this note's session ("Session 9 of 16 · middle phase")."""
    return position_for(course.protocol_spec, max(note.number - 1, 0), course.planned_sessions)


def unsigned_note_counts(course_ids: Iterable[int]) -> dict[int, int]:
    """Draft notes per course (courses without drafts are absent)."""
    rows = (
        SessionNote.objects.filter(course_id__in=list(course_ids), status=SessionNote.Status.DRAFT)
        .values("course_id")
        .annotate(n=Count("pk"))
    )
    return {row["course_id"]: row["n"] for row in rows}


def current_courses_for_clients(client_ids: Iterable[int]) -> dict[int, Course]:
    """Each client's open course, else their latest one (clients without a course are
    absent). One query."""
    result: dict[int, Course] = {}
    courses = (
        Course.objects.filter(client_id__in=list(client_ids))
        .select_related("therapist")
        .order_by("client_id", "-start_date", "-pk")
    )
    for course in courses:
        best = result.get(course.client_id)
        if best is None or (course.is_open and not best.is_open):
            result[course.client_id] = course
    return result


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


@dataclass(frozen=True)
class CourseOverview:
    position: CoursePosition
    focus_areas: list[tuple[str, str]]
    gates: list[protocols.GateState]
    open_gates: list[protocols.GateState]
    gate_warning: bool
    ending_notice: str
    segments: list[PhaseSegment]
    marker_percent: float
    held_percent: float


def gate_facts_for(
    course_ids: list[int], summaries: dict[int, Any] | None = None
) -> dict[int, protocols.GateFacts]:
    """The phase gates' facts from the formulation and measures records."""
    from iptcare.formulation.selectors import formulation_summaries
    from iptcare.measures.selectors import symptom_measure_course_ids

    if summaries is None:
        summaries = formulation_summaries(course_ids)
    measured = symptom_measure_course_ids(course_ids)
    facts = {}
    for pk in course_ids:
        summary = summaries.get(pk)
        facts[pk] = protocols.GateFacts(
            has_symptom_measure=pk in measured,
            inventory_people=summary.inventory_people if summary else 0,
            focus_areas=len(summary.focus_areas) if summary else 0,
            formulation_agreed_on=summary.formulation_agreed_on if summary else None,
            contract_agreed=bool(summary and summary.contract_agreed),
        )
    return facts


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


def course_overview(course: Course) -> CourseOverview:
    from iptcare.courses.agenda import ending_notice
    from iptcare.formulation.selectors import formulation_summaries

    position = course_position(course)
    summaries = formulation_summaries([course.pk])
    summary = summaries.get(course.pk)
    facts = gate_facts_for([course.pk], summaries)[course.pk]
    gates = protocols.gate_states(facts)
    open_ = [g for g in gates if g.is_open]
    segments, marker, held = phase_segments(
        course.protocol_spec, course.planned_sessions, position.number, position.held
    )
    return CourseOverview(
        position=position,
        focus_areas=summary.focus_areas if summary else [],
        gates=gates,
        open_gates=open_,
        gate_warning=bool(open_) and position.phase is not protocols.Phase.INITIAL,
        ending_notice=(
            ending_notice(course.protocol_spec, position.number, course.planned_sessions)
            if course.is_open
            else ""
        ),
        segments=segments,
        marker_percent=marker,
        held_percent=held,
    )


def notes_awaiting_cosignature(supervisor: User) -> list[SessionNote]:
    """Practicum students' signed notes that wait for this supervisor, oldest first: until
    co-signed they are not final (one query)."""
    return list(
        SessionNote.objects.filter(
            clinic_id=supervisor.clinic_id,
            status=SessionNote.Status.AWAITING_COSIGNATURE,
            author__therapist_profile__supervisor=supervisor,
        )
        .select_related("course__client", "author")
        .order_by("signed_at", "pk")
    )
