"""The caseload: each active client with where their course stands, in a fixed number of
queries whatever the caseload size (each collaborator answers for all courses at once)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.clinic.selectors import supervisee_ids, supervisees_of
from iptcare.courses import protocols
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.selectors import CoursePosition, caseload_courses
from iptcare.formulation.selectors import focus_areas_by_course, open_gates_by_course
from iptcare.measures.selectors import LatestScore, latest_scores, open_flag_counts, track_statuses
from iptcare.measures.tracking import TrackStatus
from iptcare.reports.models import TreatmentReport
from iptcare.reports.selectors import reports_waiting_by_author
from iptcare.scheduling.selectors import next_appointments
from iptcare.supervision.selectors import (
    FidelityTrend,
    MonthAtAGlance,
    ReturnedNote,
    WaitingNote,
    fidelity_trend,
    month_at_a_glance,
    notes_waiting_by_author,
    overdue_drafts_by_author,
    returned_notes_by_author,
    supervision_settings,
)

SORTS = {
    "priority": "Open flags, then not on track",
    "name": "Name",
    "session": "Session",
    "phq": "Depression (PHQ-9 / PHQ-A)",
    "gad": "Anxiety (GAD-7)",
    "next": "Next appointment",
}
DEFAULT_SORT = "priority"
# A row shows the client's name and links to their record: the rest of the record stays in
# the database (a missing field would load per row, which test_caseload's count would catch).
CASELOAD_CLIENT_FIELDS = ("clinic_id", "legal_name", "preferred_name", "status")
_SENTINEL = 987654321


@dataclass
class CaseloadRow:
    client: Client
    course: Course | None = None
    position: CoursePosition | None = None
    focus_areas: list[tuple[str, str]] = field(default_factory=list)
    phq: LatestScore | None = None
    gad: LatestScore | None = None
    open_flags: int = 0
    track: TrackStatus | None = None
    next_appointment: object | None = None
    unsigned_notes: int = 0
    # Filled on the supervisor's home only: the phase gates a course past its initial
    # phase has left open.
    open_gates: list[protocols.GateState] = field(default_factory=list)

    client_url: str = ""
    measures_url: str = ""

    @property
    def not_on_track(self) -> bool:
        return self.track is not None and not self.track.on_track

    @property
    def next_at(self) -> datetime | None:
        return getattr(self.next_appointment, "starts_at", None)


def _key(sort: str):
    far = datetime.max.replace(tzinfo=None)

    def name(row: CaseloadRow) -> tuple[str, int]:
        return (row.client.legal_name.lower(), row.client.pk)

    keys = {
        "priority": lambda r: (-r.open_flags, not r.not_on_track, *name(r)),
        "name": name,
        "session": lambda r: (-(r.position.number if r.position else 0), *name(r)),
        "phq": lambda r: (-(r.phq.total if r.phq else -1), *name(r)),
        "gad": lambda r: (-(r.gad.total if r.gad else -1), *name(r)),
        "next": lambda r: (r.next_at.replace(tzinfo=None) if r.next_at else far, *name(r)),
    }
    return keys[sort]


def caseload_rows(
    clients: Iterable[Client], *, clinic_id: int, sort: str = DEFAULT_SORT
) -> list[CaseloadRow]:
    """One row per client, sorted server-side by `sort` (one of SORTS). Six queries: the
    clients, their current courses (with the sessions held and draft notes), focus areas,
    open flags, scores and next appointments."""
    clients = list(clients)
    client_ids = [c.pk for c in clients]
    courses = caseload_courses(client_ids)
    course_ids = [current.course.pk for current in courses.values()]
    focus = focus_areas_by_course(course_ids)
    flags = open_flag_counts(course_ids)
    scores = latest_scores(course_ids)
    tracks = track_statuses(clinic_id, scores)
    appointments = next_appointments(client_ids)
    # Reversed once, filled per row: reversing in the template costs more than the queries.
    client_url = reverse("clients:detail", args=[_SENTINEL]).replace(str(_SENTINEL), "{}")
    measures_url = reverse("measures:course", args=[_SENTINEL]).replace(str(_SENTINEL), "{}")
    rows = []
    for client in clients:
        current = courses.get(client.pk)
        row = CaseloadRow(
            client=client,
            next_appointment=appointments.get(client.pk),
            client_url=client_url.format(client.pk),
        )
        if current is not None:
            course = current.course
            row.course = course
            row.measures_url = measures_url.format(course.pk)
            row.position = current.position
            row.unsigned_notes = current.unsigned_notes
            row.focus_areas = focus[course.pk]
            row.phq = scores.get(course.pk, {}).get("phq")
            row.gad = scores.get(course.pk, {}).get("gad7")
            row.open_flags = flags.get(course.pk, 0)
            row.track = tracks.get(course.pk)
        rows.append(row)
    rows.sort(key=_key(sort if sort in SORTS else DEFAULT_SORT))
    return rows


def active_caseload(user) -> QuerySet[Client]:
    """The therapist's clients in active care, with what a caseload row shows of them."""
    return (
        Client.objects.filter(
            clinic_id=user.clinic_id, therapists=user, status=Client.Status.ACTIVE
        )
        .only(*CASELOAD_CLIENT_FIELDS)
        .order_by("legal_name", "pk")
    )


def supervisees_clients(user) -> QuerySet[Client]:
    return (
        Client.objects.filter(
            clinic_id=user.clinic_id,
            status=Client.Status.ACTIVE,
            therapists__in=supervisee_ids(user),
        )
        .distinct()
        .only(*CASELOAD_CLIENT_FIELDS)
        .order_by("legal_name", "pk")
    )


@dataclass
class SuperviseeOverview:
    """One supervisee on the supervisor's home: their clients where each course stands,
    and what waits for the supervisor or is overdue."""

    person: User
    rows: list[CaseloadRow]
    waiting: list[WaitingNote]
    overdue_drafts: list[SessionNote]
    returned: list[ReturnedNote]
    reports: list[TreatmentReport]
    fidelity: FidelityTrend | None
    month: MonthAtAGlance

    @property
    def not_on_track(self) -> list[CaseloadRow]:
        return [row for row in self.rows if row.not_on_track]

    @property
    def open_flags(self) -> int:
        return sum(row.open_flags for row in self.rows)

    @property
    def late_notes(self) -> int:
        return sum(1 for waiting in self.waiting if waiting.is_late)


def supervisor_home(user: User, *, now: datetime, today: date) -> list[SuperviseeOverview]:
    """Each current supervisee with their clients, in a fixed number of queries whatever
    the number of supervisees and clients. A client is shown under the therapist of their
    current course (or, before a course, under each supervisee assigned to them)."""
    people = list(supervisees_of(user))
    ids = {person.pk for person in people}
    clients = supervisees_clients(user).prefetch_related(
        Prefetch("therapists", queryset=User.objects.only("pk"), to_attr="team")
    )
    rows = caseload_rows(clients, clinic_id=user.home_clinic_id)
    past_initial = [
        row.course.pk
        for row in rows
        if row.course and row.position and row.position.phase is not protocols.Phase.INITIAL
    ]
    gates = open_gates_by_course(past_initial)
    by_person: dict[int, list[CaseloadRow]] = {pk: [] for pk in ids}
    for row in rows:
        if row.course is not None:
            row.open_gates = gates.get(row.course.pk, [])
            owners = [row.course.therapist_id]
        else:
            owners = [t.pk for t in row.client.team]  # type: ignore[attr-defined]  # the prefetch above
        for owner in owners:
            if owner in by_person:
                by_person[owner].append(row)
    settings = supervision_settings(user.home_clinic_id)
    waiting = notes_waiting_by_author(user, now=now, limit_days=settings.cosign_limit_days)
    drafts = overdue_drafts_by_author(ids, now=now)
    returned = returned_notes_by_author(ids)
    reports = reports_waiting_by_author(ids)
    trends = fidelity_trend(ids)
    months = month_at_a_glance(user, ids, today=today)
    return [
        SuperviseeOverview(
            person=person,
            rows=by_person[person.pk],
            waiting=waiting.get(person.pk, []),
            overdue_drafts=drafts.get(person.pk, []),
            returned=returned.get(person.pk, []),
            reports=reports.get(person.pk, []),
            fidelity=trends.get(person.pk),
            month=months[person.pk],
        )
        for person in people
    ]
