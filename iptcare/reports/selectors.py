"""Reads for reports, exports and clinic outcomes, each with a bounded number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from iptcare.reports import fhir

if TYPE_CHECKING:
    from iptcare.accounts.models import User
    from iptcare.clinic.models import Clinic
    from iptcare.reports.models import FhirExport

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clients.rules import acting_role
from iptcare.core import dates
from iptcare.courses.models import Course
from iptcare.courses.selectors import clinic_today, course_position
from iptcare.formulation import selectors as formulation_selectors
from iptcare.measures import outcomes
from iptcare.measures.selectors import course_measures
from iptcare.reports.models import PhysicianLetter, SharingConsent, TreatmentReport

# --- Treatment reports ---------------------------------------------------------------------

# The sections of a report, in reading order: (key, heading).
REPORT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("course", "Client and course"),
    ("focus", "Focus areas and goals"),
    ("formulation", "Formulation"),
    ("scores", "Scores"),
    ("outcomes", "Outcome"),
    ("relapse", "Relapse-prevention plan"),
    ("recommendations", "Recommendations"),
)
SECTION_KEYS = tuple(key for key, _ in REPORT_SECTIONS)
# The sentences of `outcomes.classify` that state a class (not the scores or eligibility).
CLASS_LINES = (
    "Reliable improvement",
    "Reliable deterioration",
    "No reliable change",
    "Recovered",
    "Not recovered",
    "Reliably recovered",
    "Not reliably recovered",
    "Recovery and reliable recovery",
)
NO_SCORES = (
    "No PHQ-9 or GAD-7 scores were recorded in this course, so there are no charts and no "
    "outcome classes to report."
)


@dataclass(frozen=True)
class MeasureLine:
    """One measure's first and last score, what the change means (its class, for the
    therapist) and the same in plain words (for the client)."""

    name: str
    first: int
    last: int
    change: int
    explanation: str
    plain: str


@dataclass
class CourseRecords:
    """What the records say, for a report or a letter: read once, in a bounded number of
    queries whatever the length of the course."""

    course: Course
    client: Client
    therapist_name: str
    attended: int
    planned: int | None
    focus: list[tuple[str, str]]  # (the clinic's label, the goals as written)
    formulation_text: str
    charts: Sequence[object]
    measures: list[MeasureLine]
    outcome_lines: tuple[str, ...]
    missing: str  # what is missing for charts and outcome classes, "" when nothing
    warning_signs: str
    what_to_do: str
    whom_to_call: str
    recommendation: str
    today: date
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def facts(self) -> str:
        course = self.course
        ended = f", ended {dates.day(course.ended_on)}" if course.ended_on else ""
        planned = f" of {self.planned} planned" if self.planned else ""
        return (
            f"{course.get_protocol_display()} with {self.therapist_name}, started "
            f"{dates.day(course.start_date)}{ended}. Sessions attended: {self.attended}{planned}."
        )

    @property
    def outcome_line(self) -> str:
        """The outcome in one line, for the letter: the classes' sentences (reliable
        change, recovery), or what is missing to classify the course."""
        if self.missing:
            return self.missing
        return " ".join(line for line in self.outcome_lines if line.startswith(CLASS_LINES))


def course_records(course: Course) -> CourseRecords:
    """The course's records for a report or letter (the course from a choke point, which
    has recorded the read)."""
    m = course_measures(course)
    changes = [c for c in m.changes if isinstance(c, outcomes.MeasureChange)]
    measure_lines = [
        MeasureLine(
            name="PHQ-9" if c.instrument == "phq9" else "GAD-7",
            first=c.first,
            last=c.last,
            change=c.change,
            explanation=c.explanation,
            plain=outcomes.in_plain_words(c),
        )
        for c in changes
    ]
    outcome = m.outcome if isinstance(m.outcome, outcomes.Outcome) else None
    if outcome is None:
        missing = NO_SCORES
    elif not outcome.eligible:
        missing = outcome.explanations[0]
    else:
        missing = ""
    termination = formulation_selectors.termination_for(course)
    formulation = formulation_selectors.formulation_for(course)
    focus = [
        (formulation_selectors.focus_area_label(c.area, course.clinic), c.goals)
        for c in formulation_selectors.focus_areas(course)
    ]
    clinic = course.clinic
    therapist = course.therapist
    recommendation = ""
    if termination is not None:
        recommendation = "\n".join(
            part
            for part in (termination.get_recommendation_display(), termination.recommendation_note)
            if part
        )
    return CourseRecords(
        course=course,
        client=course.client,
        therapist_name=therapist.full_name,
        attended=course_position(course).held,
        planned=course.planned_sessions,
        focus=focus,
        formulation_text=formulation.text if formulation else "",
        charts=m.charts,
        measures=measure_lines,
        outcome_lines=outcome.explanations if outcome else (),
        missing=missing,
        warning_signs=termination.warning_signs if termination else "",
        what_to_do=termination.recurrence_plan if termination else "",
        whom_to_call=(
            f"{therapist.full_name} at {clinic.name}"
            + (f", {clinic.phone}" if clinic.phone else "")
        ),
        recommendation=recommendation,
        today=clinic_today(clinic),
    )


def report_prefill(records: CourseRecords) -> dict[str, dict[str, object]]:
    """Each section's first text, from the records; the therapist edits it before signing.
    The facts, charts, scores and outcome classes are shown from the records beside the
    text, so their sections start with no text of their own (room for a comment)."""
    focus = "\n".join(f"{label}: {goals}" for label, goals in records.focus)
    relapse = "\n".join(
        line
        for line in (
            f"Warning signs: {records.warning_signs}" if records.warning_signs else "",
            f"What to do: {records.what_to_do}" if records.what_to_do else "",
            f"Whom to call: {records.whom_to_call}",
        )
        if line
    )
    texts = {
        "course": "",
        "focus": focus or "No focus area was chosen.",
        "formulation": records.formulation_text,
        "scores": "",
        "outcomes": "",
        "relapse": relapse,
        "recommendations": records.recommendation,
    }
    return {key: {"include": True, "text": texts[key]} for key in SECTION_KEYS}


@dataclass(frozen=True)
class ShownSection:
    key: str
    title: str
    text: str


def shown_sections(report: TreatmentReport) -> list[ShownSection]:
    """The sections the therapist kept, in reading order, with their text."""
    shown = []
    for key, title in REPORT_SECTIONS:
        section = report.sections.get(key) or {}
        if section.get("include"):
            shown.append(ShownSection(key, title, str(section.get("text", ""))))
    return shown


def reports_of_course(course: Course) -> list[TreatmentReport]:
    return list(
        TreatmentReport.objects.filter(course_id=course.pk)
        .select_related("author", "cosigned_by")
        .defer("pdf", "signed_html", "signed_text")
    )


def report_get_for(
    *, actor: Actor, pk: int, perm: str = "reports.view_report", action: str = "read"
) -> TreatmentReport:
    """The report if the actor holds `perm` on it (view: the care team; download: the
    care team and the client, once final), recorded in the access log as `action`
    ("read", or "export" for a download); 404 otherwise, with nothing recorded."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    report = (
        TreatmentReport.objects.filter(clinic_id=user.home_clinic_id, pk=pk)
        .select_related(
            "course__therapist", "client__user", "author__therapist_profile", "cosigned_by"
        )
        .first()
    )
    if report is None:
        raise Http404
    if not user.has_perm(perm, report):
        raise Http404
    report.course.clinic = user.home_clinic
    report.course.client = report.client
    access_record(
        actor=actor.as_role(acting_role(user, report.client)),
        action=action,
        client=report.client,
        target=report,
        detail=report.get_kind_display(),
    )
    return report


def final_reports_for_client(client: Client) -> list[TreatmentReport]:
    """The client's final reports, for their Documents (one query)."""
    return list(
        TreatmentReport.objects.filter(client_id=client.pk, status=TreatmentReport.Status.FINAL)
        .only("pk", "kind", "signed_at", "cosigned_at", "course_id", "client_id", "status")
        .order_by("-signed_at", "-pk")
    )


# --- Consent and letters -------------------------------------------------------------------


def consents_of_client(client: Client) -> list[SharingConsent]:
    return list(
        SharingConsent.objects.filter(client_id=client.pk).select_related(
            "recorded_by", "withdrawn_by"
        )
    )


def valid_consents(client: Client, day: date) -> list[SharingConsent]:
    """The consents that allow sharing on `day`: given, not expired, not withdrawn."""
    return [c for c in consents_of_client(client) if c.valid_on(day)]


def consent_get_for(*, actor: Actor, pk: int) -> SharingConsent:
    """A consent of a client whose care team the actor is on; 404 otherwise."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    consent = (
        SharingConsent.objects.filter(clinic_id=user.home_clinic_id, pk=pk)
        .select_related("client")
        .first()
    )
    if consent is None or not user.has_perm("reports.manage_consent", consent.client):
        raise Http404
    access_record(
        actor=actor.as_role(acting_role(user, consent.client)),
        action="read",
        client=consent.client,
        target=consent,
    )
    return consent


def letters_of_course(course: Course) -> QuerySet[PhysicianLetter]:
    return (
        PhysicianLetter.objects.filter(course_id=course.pk)
        .select_related("consent", "author")
        .defer("pdf", "signed_html", "signed_text")
    )


def letter_get_for(*, actor: Actor, pk: int, action: str = "read") -> PhysicianLetter:
    """A stored letter, for the client's care team; 404 otherwise."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    letter = (
        PhysicianLetter.objects.filter(clinic_id=user.home_clinic_id, pk=pk)
        .select_related("client", "consent")
        .first()
    )
    if letter is None or not user.has_perm("reports.view_letter", letter):
        raise Http404
    access_record(
        actor=actor.as_role(acting_role(user, letter.client)),
        action=action,
        client=letter.client,
        target=letter,
        detail=f"letter to {letter.consent.recipient_name}",
    )
    return letter


# --- FHIR export ---------------------------------------------------------------------------


def fhir_exports_of_clinic(clinic_id: int, limit: int = 20) -> list[FhirExport]:
    """The clinic's latest exports, without their content (it may be large)."""
    from iptcare.reports.models import FhirExport

    return list(
        FhirExport.objects.filter(clinic_id=clinic_id)
        .select_related("requested_by")
        .defer("content")[:limit]
    )


def fhir_export_of_clinic(clinic_id: int, pk: int) -> FhirExport | None:
    from iptcare.reports.models import FhirExport

    return (
        FhirExport.objects.filter(clinic_id=clinic_id, pk=pk)
        .select_related("clinic", "requested_by")
        .defer("content")
        .first()
    )


def fhir_records_for(*, clinic: Clinic, client_ids: Sequence[int]) -> fhir.ExportRecords:
    """Everything the FHIR export of these clients holds, in a fixed number of queries
    (nine, whatever the number of clients, courses, sessions or answers)."""
    from iptcare.clients.models import Client
    from iptcare.courses.models import Course, SessionNote
    from iptcare.formulation.models import FocusAreaChoice, Formulation
    from iptcare.measures.models import QuestionnaireResponse, RiskFlag

    ids = list(client_ids)
    clients = list(
        Client.objects.filter(clinic=clinic, pk__in=ids)
        .prefetch_related("therapists__therapist_profile")
        .order_by("pk")
    )
    found = [c.pk for c in clients]
    courses = list(
        Course.objects.filter(clinic=clinic, client_id__in=found)
        .select_related("therapist__therapist_profile")
        .order_by("client_id", "start_date", "pk")
    )
    notes = list(
        SessionNote.objects.filter(
            clinic=clinic,
            course__client_id__in=found,
            attendance=SessionNote.Attendance.ATTENDED,
        )
        .select_related("course")
        .order_by("course_id", "number", "pk")
    )
    responses = list(
        QuestionnaireResponse.objects.filter(
            clinic=clinic, client_id__in=found, duplicate_of__isnull=True
        )
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )
    course_ids = [c.pk for c in courses]
    areas = list(
        FocusAreaChoice.objects.filter(clinic=clinic, course_id__in=course_ids).order_by("pk")
    )
    formulations = list(Formulation.objects.filter(clinic=clinic, course_id__in=course_ids))
    flags = list(
        RiskFlag.objects.filter(clinic=clinic, client_id__in=found).order_by("raised_at", "pk")
    )

    by_client = {c.pk: fhir.ClientRecords(client=c) for c in clients}
    client_of_course = {c.pk: c.client_id for c in courses}
    therapists: dict[int, User] = {}
    for client in clients:
        for user in client.therapists.all():
            therapists.setdefault(user.pk, user)
    for course in courses:
        by_client[course.client_id].courses.append(course)
        therapists.setdefault(course.therapist_id, course.therapist)
    for note in notes:
        by_client[note.course.client_id].attended_notes.append(note)
    for response in responses:
        by_client[response.client_id].responses.append(response)
    for area in areas:
        by_client[client_of_course[area.course_id]].focus_areas.append(area)
    for formulation in formulations:
        by_client[client_of_course[formulation.course_id]].formulations.append(formulation)
    for flag in flags:
        by_client[flag.client_id].flags.append(flag)
    return fhir.ExportRecords(
        clinic=clinic,
        therapists=sorted(therapists.values(), key=lambda u: u.pk),
        clients=list(by_client.values()),
    )


# --- Clinic outcomes -----------------------------------------------------------------------
