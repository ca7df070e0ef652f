"""Reads for supervision pages, each with a bounded number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.http import Http404

from iptcare.accounts.models import User
from iptcare.core import dates
from iptcare.courses import protocols
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.selectors import notes_awaiting_cosignature
from iptcare.formulation.selectors import formulation_summaries
from iptcare.measures.models import QuestionnaireResponse
from iptcare.supervision import certification
from iptcare.supervision.models import SupervisionSettings


def supervision_settings(clinic_id: int) -> SupervisionSettings:
    """The clinic's supervision settings; the defaults (unsaved) until an administrator
    changes them."""
    found = SupervisionSettings.objects.filter(clinic_id=clinic_id).first()
    return found or SupervisionSettings(clinic_id=clinic_id)


def therapist_get_for(user: User, pk: int, perm: str) -> User:
    """A therapist of the user's clinic whose supervision records the user may see (the
    rule `perm`), or Http404, so that other people's existence is not confirmed."""
    person = (
        User.objects.filter(pk=pk, clinic_id=user.home_clinic_id, is_therapist=True)
        .select_related("therapist_profile")
        .first()
        if 0 < pk < 2**62
        else None
    )
    if person is None or not user.has_perm(perm, person):
        raise Http404("No such therapist.")
    return person


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


def _supervised_session_numbers(notes: Iterable[SessionNote]) -> dict[int, set[int]]:
    """Per course, the sessions a supervisor has seen: a co-signed note."""
    seen: dict[int, set[int]] = defaultdict(set)
    for note in notes:
        if note.cosigned_by_id is not None:
            seen[note.course_id].add(note.number)
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
        ).only("course_id", "number", "status", "cosigned_by_id")
    )
    held = Counter(note.course_id for note in notes)
    supervised = _supervised_session_numbers(notes)
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
    return certification.progress(
        certification.standard(settings.certification_standard_code),
        certification_cases(supervisee),
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
