"""Reads for supervision pages, each with a bounded number of queries."""

from __future__ import annotations

import calendar
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.core import dates
from iptcare.courses import protocols
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.selectors import notes_awaiting_cosignature
from iptcare.formulation.selectors import formulation_summaries
from iptcare.measures.models import QuestionnaireResponse
from iptcare.scheduling.kinds import KINDS
from iptcare.scheduling.models import Appointment
from iptcare.supervision import certification
from iptcare.supervision.models import (
    AgreedAction,
    HoursAdjustment,
    HoursSignOff,
    SupervisionMeeting,
    SupervisionSettings,
)


def supervision_settings(clinic_id: int) -> SupervisionSettings:
    """The clinic's supervision settings; the defaults (unsaved) until an administrator
    changes them."""
    found = SupervisionSettings.objects.filter(clinic_id=clinic_id).first()
    return found or SupervisionSettings(clinic_id=clinic_id)


def therapist_get_for(*, user: User, pk: int, perm: str) -> User:
    """A therapist of the user's clinic whose supervision records the user may see (the
    rule `perm`: their hours, progress, ratings), or Http404, so that other people's
    existence is not confirmed."""
    if not 0 < pk < 2**62:
        raise Http404("No such therapist.")
    person = (
        User.objects.filter(pk=pk, clinic_id=user.home_clinic_id, is_therapist=True)
        .select_related("clinic", "therapist_profile")
        .first()
    )
    if person is None or not user.has_perm(perm, person):
        raise Http404("No such therapist.")
    return person


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


def meetings_for(user: User) -> QuerySet[SupervisionMeeting]:
    """The meetings in a person's scope, newest first: those they ran as supervisor and
    those they attended as a supervisee. Four queries whatever the number of rows (the
    meetings, then their supervisees, clients discussed and agreed actions)."""
    mine = Q(supervisor=user) | Q(pk__in=_attended(user))
    return (
        SupervisionMeeting.objects.filter(mine, clinic_id=user.home_clinic_id)
        .select_related("supervisor")
        .prefetch_related(
            Prefetch("supervisees", queryset=User.objects.order_by("full_name")),
            Prefetch("clients_discussed", queryset=Client.objects.order_by("chart_number")),
            Prefetch("actions", queryset=AgreedAction.objects.select_related("supervisee")),
        )
        .order_by("-date", "-pk")
    )


def _attended(user: User) -> QuerySet[Any]:
    through = SupervisionMeeting.supervisees.through
    return through.objects.filter(user_id=user.pk).values("supervisionmeeting_id")


def log_record_reads(*, actor: Actor, meetings: Iterable[SupervisionMeeting]) -> None:
    """The clients discussed at the meetings shown are client records read: one entry per
    client and meeting (a request stores them together when it ends)."""
    for meeting in meetings:
        for client in meeting.clients_discussed.all():
            access_record(
                actor=actor, action="read", client=client, target=meeting, detail="supervision log"
            )


def meeting_get_for(*, actor: Actor, pk: int) -> SupervisionMeeting:
    """A meeting in the actor's scope (and a read of its clients discussed), else 404."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    meeting = meetings_for(user).filter(pk=pk).first()
    if meeting is None or not user.has_perm("supervision.view_meeting", meeting):
        raise Http404
    log_record_reads(actor=actor, meetings=[meeting])
    return meeting


def action_get_for(*, user: User, pk: int) -> AgreedAction:
    """An agreed action of a meeting in the person's scope, else 404."""
    if not 0 < pk < 2**62:
        raise Http404
    action = (
        AgreedAction.objects.filter(pk=pk, meeting__clinic_id=user.home_clinic_id)
        .select_related("meeting")
        .first()
    )
    if action is None or not user.has_perm("supervision.view_meeting", action.meeting):
        raise Http404
    return action


def hours_and_minutes(minutes: int) -> str:
    """90 → "1 h 30 min": how a school's form and a supervisor read time."""
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h {rest} min" if rest else f"{whole} h"


@dataclass(frozen=True)
class MonthTotal:
    month: date  # its first day
    minutes: int
    meetings: int

    @property
    def time(self) -> str:
        return hours_and_minutes(self.minutes)


@dataclass
class SuperviseeTotals:
    """Supervision time of one supervisee: per month (newest first) and overall."""

    supervisee: User
    months: list[MonthTotal] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.months)

    @property
    def meetings(self) -> int:
        return sum(m.meetings for m in self.months)

    @property
    def time(self) -> str:
        return hours_and_minutes(self.minutes)


def supervision_totals(
    *,
    clinic_id: int,
    supervisor: User | None = None,
    supervisee: User | None = None,
    since: date | None = None,
) -> list[SuperviseeTotals]:
    """Minutes of supervision per supervisee per month and overall, from the meetings they
    attended (of one supervisor, or of one supervisee, or the clinic's). Two queries: the
    sums, grouped in the database, and the people they are about."""
    through = SupervisionMeeting.supervisees.through
    rows = through.objects.filter(supervisionmeeting__clinic_id=clinic_id)
    if supervisor is not None:
        rows = rows.filter(supervisionmeeting__supervisor=supervisor)
    if supervisee is not None:
        rows = rows.filter(user_id=supervisee.pk)
    if since is not None:
        rows = rows.filter(supervisionmeeting__date__gte=since)
    sums = (
        rows.annotate(month=TruncMonth("supervisionmeeting__date"))
        .values("user_id", "month")  # type: ignore[misc]  # the stubs miss annotations on an auto-created through model
        .annotate(minutes=Sum("supervisionmeeting__minutes"), meetings=Count("pk"))
        .order_by("user_id", "-month")
    )
    by_person: dict[int, list[MonthTotal]] = {}
    for row in sums:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        by_person.setdefault(row["user_id"], []).append(
            MonthTotal(month=month, minutes=row["minutes"] or 0, meetings=row["meetings"])
        )
    people = User.objects.filter(pk__in=by_person).order_by("full_name", "pk")
    return [SuperviseeTotals(supervisee=p, months=by_person[p.pk]) for p in people]


# --- Practicum hours -----------------------------------------------------------------------

# A session's length when no booked appointment says otherwise: the clinic's usual IPT
# session (the "session" appointment kind, 50 minutes).
USUAL_SESSION_MINUTES = KINDS["session"].minutes
# Appointments that held the time of a session that took place (a past one may still be
# "booked" when nobody marked it attended).
_HELD = (Appointment.Status.ATTENDED, Appointment.Status.BOOKED)
LONGEST_PERIOD_DAYS = 366


def month_period(day: date) -> tuple[date, date]:
    """The first and last day of the month of `day`."""
    first = day.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


@dataclass(frozen=True)
class SessionHours:
    """One attended session in a student's direct client hours. `booked_minutes` is what
    the records give (the booked appointment's length, else the usual session length);
    `minutes` what counts, after the latest adjustment if any."""

    note: SessionNote
    client: Client
    booked_minutes: int
    from_appointment: bool
    adjustment: HoursAdjustment | None

    @property
    def date(self) -> date:
        return self.note.date

    @property
    def minutes(self) -> int:
        return self.adjustment.minutes if self.adjustment else self.booked_minutes


@dataclass
class Hours:
    """A supervisee's practicum hours for a period: sessions, supervision, the sign-off."""

    supervisee: User
    period_from: date
    period_to: date
    sessions: list[SessionHours]
    meetings: list[SupervisionMeeting]
    sign_off: HoursSignOff | None

    @property
    def direct_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    @property
    def supervision_minutes(self) -> int:
        return sum(m.minutes for m in self.meetings)

    @property
    def direct_time(self) -> str:
        return hours_and_minutes(self.direct_minutes)

    @property
    def supervision_time(self) -> str:
        return hours_and_minutes(self.supervision_minutes)

    @property
    def fingerprint(self) -> str:
        """A digest of what a sign-off covers: each session's and meeting's date and
        minutes. Any change to the period's hours changes it."""
        rows = [("s", s.note.pk, s.date.isoformat(), s.minutes) for s in self.sessions]
        rows += [("m", m.pk, m.date.isoformat(), m.minutes) for m in self.meetings]
        return hashlib.sha256(json.dumps(sorted(rows)).encode()).hexdigest()

    @property
    def sign_off_is_current(self) -> bool:
        return self.sign_off is not None and self.sign_off.fingerprint == self.fingerprint

    @property
    def clients(self) -> list[Client]:
        return list({s.client.pk: s.client for s in self.sessions}.values())


def _booked_minutes(supervisee: User, notes: list[SessionNote], zone: ZoneInfo) -> dict[int, int]:
    """Each note's booked length, where one appointment of the same therapist and client on
    the note's date held the time. A SessionNote has no link to its appointment, so this is
    the match a person would make reading the calendar; two or none that day is ambiguous
    and the note counts the usual length instead of a guess. One query."""
    if not notes:
        return {}
    first = min(n.date for n in notes)
    last = max(n.date for n in notes)
    starts = datetime.combine(first, time.min, tzinfo=zone)
    ends = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    found: dict[tuple[int, date], list[int]] = {}
    for appointment in Appointment.objects.filter(
        therapist=supervisee,
        client_id__in={n.course.client_id for n in notes},
        status__in=_HELD,
        starts_at__gte=starts,
        starts_at__lt=ends,
    ).only("client_id", "starts_at", "ends_at"):
        day = appointment.starts_at.astimezone(zone).date()
        length = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
        found.setdefault((appointment.client_id or 0, day), []).append(length)
    booked = {}
    for note in notes:
        lengths = found.get((note.course.client_id, note.date), [])
        if len(lengths) == 1 and 0 < lengths[0] <= 480:
            booked[note.pk] = lengths[0]
    return booked


def hours_for(supervisee: User, *, period_from: date, period_to: date) -> Hours:
    """The supervisee's direct client hours (their attended sessions: missed ones do not
    count) and supervision hours (the meetings they attended) from `period_from` to
    `period_to`, with the latest sign-off of that period. Five queries, whatever the
    number of sessions and meetings."""
    clinic = supervisee.home_clinic
    notes = list(
        SessionNote.objects.filter(
            clinic_id=clinic.pk,
            author=supervisee,
            attendance=SessionNote.Attendance.ATTENDED,
            date__gte=period_from,
            date__lte=period_to,
        )
        .select_related("course__client")
        .order_by("date", "pk")
    )
    booked = _booked_minutes(supervisee, notes, ZoneInfo(clinic.time_zone))
    latest: dict[int, HoursAdjustment] = {}
    if notes:
        for adjustment in HoursAdjustment.objects.filter(
            supervisee=supervisee, note_id__in=[n.pk for n in notes]
        ).select_related("by"):
            latest[adjustment.note_id] = adjustment  # ordered by time: the last one wins
    sessions = [
        SessionHours(
            note=n,
            client=n.course.client,
            booked_minutes=booked.get(n.pk, USUAL_SESSION_MINUTES),
            from_appointment=n.pk in booked,
            adjustment=latest.get(n.pk),
        )
        for n in notes
    ]
    meetings = list(
        SupervisionMeeting.objects.filter(
            clinic_id=clinic.pk,
            supervisees=supervisee,
            date__gte=period_from,
            date__lte=period_to,
        )
        .select_related("supervisor")
        .order_by("date", "pk")
    )
    sign_off = (
        HoursSignOff.objects.filter(
            supervisee=supervisee, period_from=period_from, period_to=period_to
        )
        .select_related("signed_by")
        .first()
    )
    return Hours(
        supervisee=supervisee,
        period_from=period_from,
        period_to=period_to,
        sessions=sessions,
        meetings=meetings,
        sign_off=sign_off,
    )


def hours_record_reads(*, actor: Actor, hours: Hours, detail: str = "practicum hours") -> None:
    """The sessions listed are client records read: one entry per client."""
    for client in hours.clients:
        access_record(
            actor=actor, action="read", client=client, target=hours.supervisee, detail=detail
        )


def hours_note_get_for(*, user: User, pk: int) -> SessionNote:
    """An attended session in the hours of someone `user` may adjust, else 404."""
    if not 0 < pk < 2**62:
        raise Http404
    note = (
        SessionNote.objects.filter(
            clinic_id=user.home_clinic_id, pk=pk, attendance=SessionNote.Attendance.ATTENDED
        )
        .select_related("author__clinic", "course__client")
        .first()
    )
    if note is None or not user.has_perm("supervision.view_hours", note.author):
        raise Http404
    return note


# --- Certification -------------------------------------------------------------------------


def _supervised_session_numbers(
    courses: Iterable[Course],
    notes: Iterable[SessionNote],
    discussed: Iterable[tuple[date, int]],
) -> dict[int, set[int]]:
    """Per course, the sessions a supervisor has seen: a co-signed note, or the latest
    session held before a supervision meeting that discussed the client."""
    seen: dict[int, set[int]] = defaultdict(set)
    held: dict[int, list[SessionNote]] = defaultdict(list)
    for note in notes:
        held[note.course_id].append(note)
        if note.cosigned_by_id is not None:
            seen[note.course_id].add(note.number)
    meetings: dict[int, list[date]] = defaultdict(list)
    for day, client_id in discussed:
        meetings[client_id].append(day)
    for course in courses:
        for day in meetings[course.client_id]:
            before = [note for note in held[course.pk] if note.date <= day]
            if before:
                seen[course.pk].add(max(before, key=lambda note: note.date).number)
    return seen


def certification_cases(supervisee: User) -> list[certification.CaseEvidence]:
    """What the records of each of the supervisee's courses show, for the certification
    tracker (a fixed number of queries, whatever the number of courses)."""
    courses = list(
        Course.objects.filter(clinic_id=supervisee.home_clinic_id, therapist=supervisee)
        .select_related("client")
        .order_by("start_date", "pk")
    )
    ids = [course.pk for course in courses]
    notes = list(
        SessionNote.objects.filter(
            course_id__in=ids, attendance=SessionNote.Attendance.ATTENDED
        ).only("course_id", "number", "date", "status", "cosigned_by_id")
    )
    held = Counter(note.course_id for note in notes)
    discussed = SupervisionMeeting.objects.filter(
        supervisees=supervisee, clients_discussed__in={course.client_id for course in courses}
    ).values_list("date", "clients_discussed")
    supervised = _supervised_session_numbers(courses, notes, discussed)
    summaries = formulation_summaries(ids)
    measures: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for course_id, code, number in QuestionnaireResponse.objects.filter(
        course_id__in=ids, complete=True
    ).values_list("course_id", "code", "session_number"):
        measures[course_id].add((code, number))
    cases = []
    for course in courses:
        spec = course.protocol_spec
        bounds = protocols.phase_bounds(spec, course.planned_sessions)
        started = dates.day(course.start_date)
        summary = summaries.get(course.pk)
        cases.append(
            certification.CaseEvidence(
                course_id=course.pk,
                label=f"{course.client.chart_number} · {spec.name} from {started}",
                completed=course.status == Course.Status.COMPLETED,
                phases=tuple(phase.value for phase in bounds),
                sessions_held=held[course.pk],
                supervised_phases=frozenset(
                    protocols.phase_for(spec, number, course.planned_sessions).value
                    for number in supervised[course.pk]
                ),
                inventory=bool(summary and summary.inventory_people),
                formulation_agreed=bool(summary and summary.formulation_agreed_on),
                measures=frozenset(measures[course.pk]),
            )
        )
    return cases


def certification_progress(supervisee: User) -> certification.Progress:
    """The supervisee's progress towards the clinic's certification standard."""
    settings = supervision_settings(supervisee.home_clinic_id)
    minutes = SupervisionMeeting.objects.filter(supervisees=supervisee).aggregate(
        total=Sum("minutes")
    )["total"]
    return certification.progress(
        certification.standard(settings.certification_standard_code),
        certification_cases(supervisee),
        consultation_minutes=minutes or 0,
    )


# --- Supervisor's home ---------------------------------------------------------------------

# A draft still unsigned two days after it was opened is overdue: notes are written the
# day of the session, and a student's unsigned note cannot be supervised.
DRAFT_OVERDUE_AFTER = timedelta(hours=48)


@dataclass(frozen=True)
class WaitingNote:
    """A note waiting for co-signature, with how long it has waited."""

    note: SessionNote
    days_waiting: int
    is_late: bool


def notes_waiting_by_author(
    supervisor: User, *, now: datetime, limit_days: int
) -> dict[int, list[WaitingNote]]:
    """Each supervisee's notes waiting for this supervisor, oldest first; those waiting
    longer than the clinic's limit are late (one query)."""
    waiting: dict[int, list[WaitingNote]] = defaultdict(list)
    for note in notes_awaiting_cosignature(supervisor):
        days = (now - note.signed_at).days if note.signed_at else 0
        waiting[note.author_id].append(WaitingNote(note, days, days > limit_days))
    return waiting


def overdue_drafts_by_author(
    author_ids: Iterable[int], *, now: datetime
) -> dict[int, list[SessionNote]]:
    """Each author's drafts opened more than 48 hours ago, oldest first (one query)."""
    drafts: dict[int, list[SessionNote]] = defaultdict(list)
    for note in (
        SessionNote.objects.filter(
            author_id__in=list(author_ids),
            status=SessionNote.Status.DRAFT,
            created_at__lt=now - DRAFT_OVERDUE_AFTER,
        )
        .select_related("course__client")
        .order_by("created_at", "pk")
    ):
        drafts[note.author_id].append(note)
    return drafts
