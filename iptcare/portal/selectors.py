"""Reads for the client portal, and the two the care team's pages use.

The callers have already fetched the client (`own_record_for` in the portal,
`client_get_for`/`course_get_for` on staff pages), which checked the rules and logged the
read; these only read what belongs to that client, in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from iptcare.courses import protocols
from iptcare.courses.models import SessionNote
from iptcare.courses.selectors import clinic_today, current_courses_for_clients
from iptcare.formulation.models import HomeworkTask, InventoryPerson
from iptcare.formulation.selectors import homework_for_client
from iptcare.intake.selectors import reflection_for
from iptcare.measures import instruments
from iptcare.measures.models import ItemAnswer, QuestionnaireResponse
from iptcare.measures.portal import portal_state
from iptcare.portal import charts
from iptcare.portal.models import MoodEntry, PersonSuggestion
from iptcare.scheduling.models import Appointment
from iptcare.scheduling.selectors import appointments_of_client, next_appointments, own_invoices

if TYPE_CHECKING:
    from iptcare.clients.models import Client
    from iptcare.courses.models import Course

MOOD_WEEKS = 8
ADULT_MOOD = protocols.MoodScale(0, 10)


def current_course_for(client: Client) -> Course | None:
    """The client's open course, else their latest (None before the first course)."""
    return current_courses_for_clients([client.pk]).get(client.pk)


# --- Relationships -----------------------------------------------------------------------


def shared_people_for(course: Course | None) -> list[InventoryPerson]:
    """The inventory people the therapist chose to show the client, closest first."""
    if course is None:
        return []
    return list(
        InventoryPerson.objects.filter(
            course=course, shared_with_client=True, archived_at__isnull=True
        ).order_by("ring", "name", "pk")
    )


def relationship_circle_for(people: list[InventoryPerson], client: Client) -> str:
    return charts.relationship_circle(
        [charts.RingPerson(name=p.name, relation=p.relation, ring=p.ring) for p in people],
        client_name=client.first_name,
    )


def own_suggestions(client: Client) -> list[PersonSuggestion]:
    return list(PersonSuggestion.objects.filter(client=client))


def person_suggestions_for(course: Course) -> list[PersonSuggestion]:
    """For the therapist's inventory page: the client's suggestions, undecided ones first."""
    rows = PersonSuggestion.objects.filter(course=course).select_related("decided_by")
    return sorted(rows, key=lambda s: s.status != PersonSuggestion.Status.NEW)


# --- Mood log ----------------------------------------------------------------------------


def mood_scale_for(course: Course | None) -> protocols.MoodScale:
    """The course's own session mood scale (IPT-A 1–10); 0–10 before any course."""
    return course.protocol_spec.mood_scale if course is not None else ADULT_MOOD


@dataclass(frozen=True)
class MoodLog:
    scale: protocols.MoodScale
    first: date
    last: date
    entries: list[MoodEntry]  # oldest first, within first..last
    today: MoodEntry | None

    @property
    def svg(self) -> str:
        return charts.mood_line(
            [(e.day, e.rating) for e in self.entries],
            first=self.first,
            last=self.last,
            low=self.scale.low,
            high=self.scale.high,
        )

    @property
    def recent(self) -> list[MoodEntry]:
        return list(reversed(self.entries))[:14]

    @property
    def average(self) -> float | None:
        if not self.entries:
            return None
        return round(sum(e.rating for e in self.entries) / len(self.entries), 1)


def mood_log_for(
    client: Client, *, course: Course | None = None, today: date | None = None
) -> MoodLog:
    """The client's mood log over the last eight weeks (two queries at most)."""
    course = course if course is not None else current_course_for(client)
    today = today or clinic_today(client.clinic)
    first = today - timedelta(weeks=MOOD_WEEKS) + timedelta(days=1)
    entries = list(MoodEntry.objects.filter(client=client, day__gte=first, day__lte=today))
    return MoodLog(
        scale=mood_scale_for(course),
        first=first,
        last=today,
        entries=entries,
        today=next((e for e in entries if e.day == today), None),
    )


# --- Home --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalHome:
    next_appointment: Appointment | None
    questionnaires_due: int
    questionnaires_open_at: datetime | None
    open_tasks: int
    mood_today: MoodEntry | None
    shared_people: int
    # "Before your first session" (the self-reflection) shows only until one is held.
    first_session_held: bool


# Appointments that count as the client's own therapy session ("consultation" is the
# free first call; "guardian" is a parent's or guardian's session).
THERAPY_KINDS = ("session", "group")


def first_session_held(client: Client) -> bool:
    """Whether the client has had a therapy session: an attended note in any course of
    theirs, or a session marked attended before its note is written."""
    return (
        SessionNote.objects.filter(
            course__client=client, attendance=SessionNote.Attendance.ATTENDED
        ).exists()
        or Appointment.objects.filter(
            client=client, kind__in=THERAPY_KINDS, status=Appointment.Status.ATTENDED
        ).exists()
    )


def portal_home_for(client: Client) -> PortalHome:
    state = portal_state(client)
    today = clinic_today(client.clinic)
    return PortalHome(
        next_appointment=next_appointments([client.pk]).get(client.pk),
        questionnaires_due=len(state.due),
        questionnaires_open_at=state.opens_at,
        open_tasks=HomeworkTask.objects.filter(
            course__client=client, visible_to_client=True, status=HomeworkTask.Status.OPEN
        ).count(),
        mood_today=MoodEntry.objects.filter(client=client, day=today).first(),
        shared_people=InventoryPerson.objects.filter(
            course__client=client, shared_with_client=True, archived_at__isnull=True
        ).count(),
        first_session_held=first_session_held(client),
    )


# --- Download my data --------------------------------------------------------------------


@dataclass
class MyData:
    """Everything the client may take away: what they entered, what was shared with them,
    their scores and appointments. Never session notes or the formulation."""

    data: dict[str, Any]
    # The same facts shaped for the PDF template.
    client: Client
    therapists: list[Any] = field(default_factory=list)
    appointments: list[Any] = field(default_factory=list)
    questionnaires: list[QuestionnaireResponse] = field(default_factory=list)
    tasks: list[HomeworkTask] = field(default_factory=list)
    moods: list[MoodEntry] = field(default_factory=list)
    reflection: Any = None
    people: list[InventoryPerson] = field(default_factory=list)
    suggestions: list[PersonSuggestion] = field(default_factory=list)
    invoices: list[Any] = field(default_factory=list)


def _local(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="minutes") if moment else None


def _money(value: Decimal | None) -> str:
    return f"{value or Decimal('0'):.2f}"


def _answers(response: QuestionnaireResponse) -> list[dict[str, Any]]:
    try:
        instrument = instruments.get(response.code)
    except LookupError:
        return []
    rows = []
    for answer in response.answers.all():
        item = (
            instrument.item(answer.item_number)
            if 0 < answer.item_number <= instrument.item_count
            else None
        )
        option = (
            item.options[answer.position]
            if item is not None
            and answer.position is not None
            and answer.position < len(item.options)
            else None
        )
        rows.append(
            {
                "item": answer.item_number,
                "question": item.text if item else "",
                "answer": (
                    "does not apply"
                    if answer.not_applicable
                    else (option.label if option else None)
                ),
                "score": answer.score,
            }
        )
    for key, value in sorted(response.extras.items()):
        extra = instrument.extra(key)
        shown: object = value
        if extra is not None and extra.kind == "choice" and isinstance(value, int):
            shown = extra.options[value].label if 0 <= value < len(extra.options) else value
        rows.append({"item": key, "question": extra.text if extra else key, "answer": shown})
    return rows


def my_data_for(client: Client) -> MyData:
    """Gather the export in a fixed number of queries, whatever the number of rows."""
    zone = ZoneInfo(client.clinic.time_zone)
    therapists = list(client.therapists.all())
    appointments = appointments_of_client(client)
    invoices = own_invoices(client)
    responses = list(
        QuestionnaireResponse.objects.filter(client=client)
        .prefetch_related(Prefetch("answers", queryset=ItemAnswer.objects.order_by("item_number")))
        .order_by("submitted_at", "pk")
    )
    tasks = homework_for_client(client)
    moods = list(MoodEntry.objects.filter(client=client).order_by("day"))
    reflection = reflection_for(client)
    people = list(
        InventoryPerson.objects.filter(
            course__client=client, shared_with_client=True, archived_at__isnull=True
        ).order_by("ring", "name", "pk")
    )
    suggestions = own_suggestions(client)
    data: dict[str, Any] = {
        "about": (
            "Your records in the clinic's portal: what you entered, what your therapist "
            "shared with you, your questionnaire scores and your appointments."
        ),
        "clinic": {
            "name": client.clinic.name,
            "address": client.clinic.address,
            "phone": client.clinic.phone,
            "email": client.clinic.email,
        },
        "my_details": {
            "legal_name": client.legal_name,
            "preferred_name": client.preferred_name,
            "pronouns": client.pronouns,
            "date_of_birth": client.date_of_birth.isoformat(),
            "email": client.email,
            "phone": client.phone,
            "emergency_contact": {
                "name": client.emergency_contact_name,
                "phone": client.emergency_contact_phone,
                "relation": client.emergency_contact_relation,
            },
            "chart_number": client.chart_number,
        },
        "care_team": [_therapist(t) for t in therapists],
        "appointments": [
            {
                "starts_at": _local(a.starts_at, zone),
                "ends_at": _local(a.ends_at, zone),
                "type": a.get_kind_display(),
                "location": a.get_location_display(),
                "status": a.get_status_display(),
                "therapist": a.therapist.full_name,
            }
            for a in sorted(appointments, key=lambda a: (a.starts_at, a.pk))
        ],
        "invoices": [
            {
                "number": i.number,
                "service": i.service,
                "amount": _money(i.amount),
                "paid": _money(getattr(i, "paid", None)),
                "issued_at": _local(i.issued_at, zone),
            }
            for i in invoices
        ],
        "questionnaires": [
            {
                "questionnaire": r.get_code_display(),
                "code": r.code,
                "session": r.session_number,
                "answered_at": _local(r.submitted_at, zone),
                "complete": r.complete,
                "total": r.total,
                "severity": r.severity_label,
                "answers": _answers(r),
            }
            for r in responses
        ],
        "tasks": [
            {
                "task": t.text,
                "status": t.get_status_display(),
                "set_at_session": t.set_at_session,
                "due_at_session": t.due_session,
                "practice_log": [
                    {
                        "written_at": _local(log.created_at, zone),
                        "what_happened": log.what_happened,
                        "how_i_felt": log.how_i_felt,
                    }
                    for log in t.practice.all()
                ],
            }
            for t in tasks
        ],
        "mood_log": [
            {
                "day": m.day.isoformat(),
                "rating": m.rating,
                "scale": f"{m.scale_low}-{m.scale_high}",
                "note": m.note,
            }
            for m in moods
        ],
        "self_reflection": _reflection(reflection),
        "relationships_shared_with_me": [
            {"name": p.name, "relation": p.relation, "ring": p.ring} for p in people
        ],
        "people_i_suggested": [
            {
                "name": s.name,
                "relation": s.relation,
                "note": s.note,
                "suggested_at": _local(s.created_at, zone),
                "status": s.get_status_display(),
            }
            for s in suggestions
        ],
    }
    return MyData(
        data=data,
        client=client,
        therapists=therapists,
        appointments=data["appointments"],
        questionnaires=responses,
        tasks=tasks,
        moods=moods,
        reflection=reflection,
        people=people,
        suggestions=suggestions,
        invoices=invoices,
    )


def _therapist(user: Any) -> dict[str, Any]:
    profile = getattr(user, "therapist_profile", None)
    return {
        "name": user.full_name,
        "credentials": getattr(profile, "credentials", "") or "",
        "practicum_student": bool(profile and profile.is_practicum),
    }


def _reflection(reflection: Any) -> dict[str, Any] | None:
    if reflection is None:
        return None
    return {
        "which_situations_change_my_mood": reflection.mood_situations,
        "the_symptoms": reflection.get_symptom_pattern_display(),
        "how_long": reflection.get_duration_display(),
        "how_long_note": reflection.duration_note,
        "how_much_they_affect": {label: value for _, label, value in reflection.impact_rows},
        "affect_note": reflection.impact_note,
        "related_to_grief_loss_or_change": reflection.get_related_to_loss_display(),
        "related_note": reflection.related_note,
        "distress_by_life_area": {label: value for _, label, value in reflection.distress_rows},
        "finished": reflection.finished_at is not None,
    }
