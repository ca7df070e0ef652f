"""Reads for reports, exports and clinic outcomes, each with a bounded number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clients.rules import acting_role
from iptcare.clinic.models import Clinic, TherapistProfile
from iptcare.clinic.selectors import supervisee_ids
from iptcare.core import dates
from iptcare.core.parsing import parse_id
from iptcare.courses import protocols
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.selectors import clinic_today, course_position
from iptcare.formulation import selectors as formulation_selectors
from iptcare.formulation.catalogue import FOCUS_AREA_LABELS, FocusArea
from iptcare.formulation.models import FocusAreaChoice
from iptcare.measures import instruments, outcomes
from iptcare.measures.models import QuestionnaireResponse
from iptcare.measures.selectors import course_measures
from iptcare.reports import fhir
from iptcare.reports.models import FhirExport, PhysicianLetter, SharingConsent, TreatmentReport

# --- Treatment reports ---------------------------------------------------------------------


def reports_waiting_by_author(author_ids: Iterable[int]) -> dict[int, list[TreatmentReport]]:
    """Each author's signed reports waiting for a supervisor's co-signature, oldest first
    (one query, for the supervisor's home)."""
    waiting: dict[int, list[TreatmentReport]] = {}
    for report in (
        TreatmentReport.objects.filter(
            author_id__in=list(author_ids), status=TreatmentReport.Status.AWAITING_COSIGNATURE
        )
        .select_related("client")
        .only(
            "pk", "kind", "author_id", "signed_at", "client__preferred_name", "client__legal_name"
        )
        .order_by("signed_at", "pk")
    ):
        waiting.setdefault(report.author_id, []).append(report)
    return waiting


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
#
# Computed per request from the notes, responses and courses themselves, not from a table
# of per-course outcomes: the classes depend on writes in three lower apps (courses,
# measures, formulation) that cannot call up into reports, so a derived table would need
# hooks on every path that adds a note, a response or an end, and one missed path would
# leave it stale without a sound. Each course's first and last scores, sessions attended
# and first session are indexed correlated subqueries computed once per course in an inner
# query; every group's figures are SUM(CASE ...) over it, in one statement (_count_groups).

PHQ9_CODES = ("phq9", "phqa")  # as on the course's measures page: PHQ-A counts as PHQ-9
GAD7_CODES = ("gad7",)
ENDED = (Course.Status.COMPLETED, Course.Status.ENDED_EARLY)
SEEN_WITHIN = {6: timedelta(weeks=6), 18: timedelta(weeks=18)}


def _caseness(code: str) -> int:
    threshold = instruments.get(code).caseness_threshold
    assert threshold is not None  # PHQ-9 and GAD-7 both define one (§0)
    return threshold


PHQ9_CASE, GAD7_CASE = _caseness("phq9"), _caseness("gad7")
PHQ9_RELIABLE, GAD7_RELIABLE = outcomes.RELIABLE_CHANGE["phq9"], outcomes.RELIABLE_CHANGE["gad7"]


def _responses(codes: tuple[str, ...]) -> QuerySet[QuestionnaireResponse]:
    # Scored responses only, as `classify` is given; a duplicate of a session's response
    # (two tabs, before the constraint) is the same measurement, not a second one.
    return QuestionnaireResponse.objects.filter(
        course_id=OuterRef("pk"),
        code__in=codes,
        complete=True,
        total__isnull=False,
        duplicate_of__isnull=True,
    )


def _score(codes: tuple[str, ...], *, last: bool) -> Subquery:
    order = ("-submitted_at", "-pk") if last else ("submitted_at", "pk")
    return Subquery(
        _responses(codes).order_by(*order).values("total")[:1], output_field=IntegerField()
    )


def _how_many(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("course_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


_ATTENDED = SessionNote.objects.filter(
    course_id=OuterRef("pk"), attendance=SessionNote.Attendance.ATTENDED
)
_EARLIER_COURSE = Course.objects.filter(client_id=OuterRef("client_id")).filter(
    Q(start_date__lt=OuterRef("start_date"))
    | Q(start_date=OuterRef("start_date"), pk__lt=OuterRef("pk"))
)

# The rules of issue 12 item 4 and §0, over the per-course columns of `outcome_courses`.
FINISHED = Q(attended__gte=outcomes.MIN_SESSIONS_ATTENDED)
PAIRED = FINISHED & Q(phq9_n__gte=2, gad7_n__gte=2)
# Either first score at caseness is enough (`outcomes._case_at_start`), paired or not.
CASE_AT_START = FINISHED & (Q(phq9_first__gte=PHQ9_CASE) | Q(gad7_first__gte=GAD7_CASE))
# Finished minus "not at caseness at the start" (both first scores known and below): a
# course whose start is unknown stays in, as in the national rule, and cannot recover.
RECOVERY_BASE = FINISHED & (
    Q(phq9_first__gte=PHQ9_CASE)
    | Q(gad7_first__gte=GAD7_CASE)
    | Q(phq9_first__isnull=True)
    | Q(gad7_first__isnull=True)
)
_PHQ9_DROP = Q(phq9_last__lte=F("phq9_first") - PHQ9_RELIABLE)
_PHQ9_RISE = Q(phq9_last__gte=F("phq9_first") + PHQ9_RELIABLE)
_GAD7_DROP = Q(gad7_last__lte=F("gad7_first") - GAD7_RELIABLE)
_GAD7_RISE = Q(gad7_last__gte=F("gad7_first") + GAD7_RELIABLE)
# Within PAIRED every score is present, so the negations never meet a NULL.
IMPROVED = PAIRED & (_PHQ9_DROP | _GAD7_DROP) & ~_PHQ9_RISE & ~_GAD7_RISE
DETERIORATED = PAIRED & (_PHQ9_RISE | _GAD7_RISE) & ~_PHQ9_DROP & ~_GAD7_DROP
RECOVERED = PAIRED & CASE_AT_START & Q(phq9_last__lt=PHQ9_CASE, gad7_last__lt=GAD7_CASE)
RELIABLY_RECOVERED = RECOVERED & IMPROVED
ENDED_EARLY = FINISHED & Q(status=Course.Status.ENDED_EARLY)
# Waiting is measured for the course an intake request led to: the client's first.
WAITED = FINISHED & Q(first_course=True, requested_on__isnull=False)
WITHIN_6 = WAITED & Q(first_attended__lte=F("requested_on") + SEEN_WITHIN[6])
WITHIN_18 = WAITED & Q(first_attended__lte=F("requested_on") + SEEN_WITHIN[18])

COUNTS: dict[str, Q] = {
    "finished": FINISHED,
    "paired": PAIRED,
    "case_at_start": CASE_AT_START,
    "recovery_base": RECOVERY_BASE,
    "recovered": RECOVERED,
    "improved": IMPROVED,
    "reliably_recovered": RELIABLY_RECOVERED,
    "deteriorated": DETERIORATED,
    "ended_early": ENDED_EARLY,
    "waited": WAITED,
    "within_6": WITHIN_6,
    "within_18": WITHIN_18,
}


@dataclass(frozen=True)
class FigureRule:
    key: str
    label: str
    numerator: str  # a key of COUNTS
    denominator: str
    explanation: str


FIGURES: tuple[FigureRule, ...] = (
    FigureRule(
        "recovery",
        "Recovery",
        "recovered",
        "recovery_base",
        "Moved to recovery, of finished courses minus those not at caseness at the start.",
    ),
    FigureRule(
        "reliable_improvement",
        "Reliable improvement",
        "improved",
        "finished",
        "Reliably improved, of finished courses.",
    ),
    FigureRule(
        "reliable_recovery",
        "Reliable recovery",
        "reliably_recovered",
        "case_at_start",
        "Reliably recovered, of finished courses at caseness at the start.",
    ),
    FigureRule(
        "reliable_deterioration",
        "Reliable deterioration",
        "deteriorated",
        "finished",
        "Reliably deteriorated, of finished courses.",
    ),
    FigureRule(
        "paired_data",
        "Paired data",
        "paired",
        "finished",
        "Finished courses with a first and last PHQ-9 and GAD-7, of finished courses.",
    ),
    FigureRule(
        "ended_early",
        "Ended early",
        "ended_early",
        "finished",
        "Finished courses ended before the planned length, of finished courses.",
    ),
    FigureRule(
        "seen_within_6_weeks",
        "Seen within 6 weeks",
        "within_6",
        "waited",
        "First attended session within 6 weeks of the intake request, of finished courses "
        "that came through an intake request.",
    ),
    FigureRule(
        "seen_within_18_weeks",
        "Seen within 18 weeks",
        "within_18",
        "waited",
        "First attended session within 18 weeks of the intake request, of finished courses "
        "that came through an intake request.",
    ),
)
FIGURE_RULES = {rule.key: rule for rule in FIGURES}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    numerator: int
    denominator: int
    explanation: str

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> int | None:
        rate = self.rate
        return None if rate is None else round(rate * 100)

    def as_json(self) -> dict[str, int | float | None]:
        return {"numerator": self.numerator, "denominator": self.denominator, "rate": self.rate}


@dataclass(frozen=True)
class OutcomeGroup:
    dimension: str  # "all", "therapist", "protocol", "focus", "kind"
    key: str
    label: str
    where: Q
    finished: int = 0
    figures: tuple[Figure, ...] = ()

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


DIMENSIONS = {
    "all": "The whole period",
    "therapist": "By therapist",
    "protocol": "By protocol",
    "focus": "By focus area",
    "kind": "Registered therapists and practicum students",
}


def outcome_courses(
    *, viewer: User, start: date, end: date, therapist: User | None = None
) -> QuerySet[Course]:
    """The courses ended in [start, end] that `viewer` may count, one row each with the
    columns the rules above read: an administrator's whole clinic, a supervisor's
    supervisees only, anyone else nothing."""
    if viewer.is_clinic_admin:
        scope = None
    elif viewer.is_supervisor:
        scope = viewer
    else:
        return clinic_courses(clinic=viewer.home_clinic, start=start, end=end, nobody=True)
    return clinic_courses(
        clinic=viewer.home_clinic, start=start, end=end, therapist=therapist, supervisor=scope
    )


def clinic_courses(
    *,
    clinic: Clinic,
    start: date,
    end: date,
    therapist: User | None = None,
    supervisor: User | None = None,
    nobody: bool = False,
) -> QuerySet[Course]:
    """The clinic's courses ended in [start, end] (a supervisor's supervisees' only, when
    given), annotated for the rules above. For the command line, which runs as the
    server's operator; pages go through `outcome_courses`."""
    courses = Course.objects.filter(
        clinic_id=clinic.pk, status__in=ENDED, ended_on__gte=start, ended_on__lte=end
    )
    if nobody:
        courses = courses.none()
    if supervisor is not None:
        courses = courses.filter(therapist_id__in=supervisee_ids(supervisor))
    if therapist is not None:
        courses = courses.filter(therapist_id=therapist.pk)
    focus = {
        f"focus_{area.value}": Exists(
            FocusAreaChoice.objects.filter(
                course_id=OuterRef("pk"), area=area.value, archived_at__isnull=True
            )
        )
        for area in FocusArea
    }
    return courses.annotate(
        attended=_how_many(_ATTENDED),
        first_attended=Subquery(_ATTENDED.order_by("date", "pk").values("date")[:1]),
        phq9_first=_score(PHQ9_CODES, last=False),
        phq9_last=_score(PHQ9_CODES, last=True),
        phq9_n=_how_many(_responses(PHQ9_CODES)),
        gad7_first=_score(GAD7_CODES, last=False),
        gad7_last=_score(GAD7_CODES, last=True),
        gad7_n=_how_many(_responses(GAD7_CODES)),
        # The request's day in the clinic's zone, as the sessions' dates are.
        requested_on=TruncDate(
            "client__intake_request__created_at", tzinfo=ZoneInfo(clinic.time_zone)
        ),
        first_course=~Exists(_EARLIER_COURSE),
        therapist_kind=F("therapist__therapist_profile__kind"),
        **focus,
    )


def _groups(courses: QuerySet[Course]) -> list[OutcomeGroup]:
    """Every group of the table: two small queries (therapists, protocols) whatever the
    number of courses."""
    plain = courses.order_by().values("therapist_id")  # a subquery without the columns
    groups = [OutcomeGroup("all", "all", "All finished courses", Q())]
    therapists = User.objects.filter(pk__in=plain).order_by("full_name", "pk")
    groups += [
        OutcomeGroup("therapist", str(t.pk), str(t), Q(therapist_id=t.pk)) for t in therapists
    ]
    used = set(
        Course.objects.filter(pk__in=courses.order_by().values("pk"))
        .order_by()
        .values_list("protocol", flat=True)
        .distinct()
    )
    groups += [
        OutcomeGroup("protocol", code, spec.name, Q(protocol=code))
        for code, spec in protocols.PROTOCOLS.items()
        if code in used
    ]
    groups += [
        OutcomeGroup(
            "focus", area.value, FOCUS_AREA_LABELS[area], Q(**{f"focus_{area.value}": True})
        )
        for area in FocusArea
    ]
    groups += [
        OutcomeGroup("kind", kind.value, kind.label, Q(therapist_kind=kind.value))
        for kind in TherapistProfile.Kind
    ]
    return groups


def _figures(counts: dict[str, int]) -> tuple[Figure, ...]:
    return tuple(
        Figure(
            rule.key,
            rule.label,
            counts[rule.numerator],
            counts[rule.denominator],
            rule.explanation,
        )
        for rule in FIGURES
    )


# The same rules as COUNTS, in SQL over the columns of `outcome_courses` (the thresholds are
# the integers above, never input). The tests check that every figure's counts equal the
# courses `courses_behind` lists with the Q form, so the two cannot drift apart.
_SQL_FINISHED = f"attended >= {outcomes.MIN_SESSIONS_ATTENDED}"
_SQL_PAIRED = f"{_SQL_FINISHED} AND phq9_n >= 2 AND gad7_n >= 2"
_SQL_CASE = f"(phq9_first >= {PHQ9_CASE} OR gad7_first >= {GAD7_CASE})"
_SQL_DROP = (
    f"(phq9_last <= phq9_first - {PHQ9_RELIABLE} OR gad7_last <= gad7_first - {GAD7_RELIABLE})"
)
_SQL_RISE = (
    f"(phq9_last >= phq9_first + {PHQ9_RELIABLE} OR gad7_last >= gad7_first + {GAD7_RELIABLE})"
)
_SQL_IMPROVED = f"{_SQL_PAIRED} AND {_SQL_DROP} AND NOT {_SQL_RISE}"
_SQL_RECOVERED = (
    f"{_SQL_PAIRED} AND {_SQL_CASE} AND phq9_last < {PHQ9_CASE} AND gad7_last < {GAD7_CASE}"
)
_SQL_WAITED = f"{_SQL_FINISHED} AND first_course AND requested_on IS NOT NULL"
SQL_COUNTS: dict[str, str] = {
    "finished": _SQL_FINISHED,
    "paired": _SQL_PAIRED,
    "case_at_start": f"{_SQL_FINISHED} AND {_SQL_CASE}",
    "recovery_base": f"{_SQL_FINISHED} AND ({_SQL_CASE[1:-1]} OR phq9_first IS NULL "
    "OR gad7_first IS NULL)",
    "recovered": _SQL_RECOVERED,
    "improved": _SQL_IMPROVED,
    "reliably_recovered": f"{_SQL_RECOVERED} AND {_SQL_DROP} AND NOT {_SQL_RISE}",
    "deteriorated": f"{_SQL_PAIRED} AND {_SQL_RISE} AND NOT {_SQL_DROP}",
    "ended_early": f"{_SQL_FINISHED} AND status = '{Course.Status.ENDED_EARLY.value}'",
    "waited": _SQL_WAITED,
    "within_6": f"{_SQL_WAITED} AND seen_6",
    "within_18": f"{_SQL_WAITED} AND seen_18",
}
_SUMS = ", ".join(
    f"COALESCE(SUM(CASE WHEN {rule} THEN 1 ELSE 0 END), 0) AS {name}"
    for name, rule in SQL_COUNTS.items()
)
# One part of the statement per split: which column groups it (None: the whole period).
_SPLITS: tuple[tuple[str, str | None, str], ...] = (
    ("all", None, ""),
    ("therapist", "therapist_id", ""),
    ("protocol", "protocol", ""),
    ("kind", "therapist_kind", ""),
    *(("focus", None, f"focus_{area.value}") for area in FocusArea),
)


def _count_groups(courses: QuerySet[Course], groups: list[OutcomeGroup]) -> list[OutcomeGroup]:
    """Every group's counts in one statement. The per-course columns (correlated, indexed
    subqueries) are computed once, in a WITH that the splits read: SQLite and PostgreSQL
    both materialise a WITH read more than once, so the subqueries are not rerun per split
    or per count. The ORM builds that per-course query; only the sums are SQL here."""
    window = {days: timedelta(weeks=days) for days in SEEN_WITHIN}
    per_course = courses.annotate(
        **{
            f"seen_{weeks}": Case(
                When(Q(first_attended__lte=F("requested_on") + window[weeks]), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for weeks in SEEN_WITHIN
        }
    ).values(
        "pk",
        "therapist_id",
        "protocol",
        "status",
        "therapist_kind",
        *(f"focus_{area.value}" for area in FocusArea),
        "attended",
        "first_attended",
        "phq9_first",
        "phq9_last",
        "phq9_n",
        "gad7_first",
        "gad7_last",
        "gad7_n",
        "requested_on",
        "first_course",
        *(f"seen_{weeks}" for weeks in SEEN_WITHIN),
    )
    try:
        inner, params = per_course.order_by().query.sql_with_params()
    except EmptyResultSet:  # nobody's courses: every count is 0
        inner, params = "", ()
    parts = []
    for dimension, column, only in _SPLITS:
        key = f"CAST({column} AS TEXT)" if column else f"'{only[6:] or 'all'}'"
        where = f" WHERE {only}" if only else ""
        group_by = f" GROUP BY {column}" if column else ""
        parts.append(
            f"SELECT '{dimension}' AS dimension, {key} AS key, {_SUMS} FROM c{where}{group_by}"
        )
    sql = f"WITH c AS ({inner}) " + " UNION ALL ".join(parts)
    found: dict[tuple[str, str], dict[str, int]] = {}
    if inner:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            found = {
                (row[0], str(row[1])): dict(zip(names[2:], row[2:], strict=True))
                for row in cursor.fetchall()
            }
    zero = dict.fromkeys(SQL_COUNTS, 0)
    counted = []
    for group in groups:
        counts = {k: int(v) for k, v in found.get((group.dimension, group.key), zero).items()}
        counted.append(
            OutcomeGroup(
                group.dimension,
                group.key,
                group.label,
                group.where,
                finished=counts["finished"],
                figures=_figures(counts),
            )
        )
    return counted


def clinic_outcomes(
    *, viewer: User, start: date, end: date, therapist: User | None = None
) -> list[OutcomeGroup]:
    """The outcome figures of the period, for the whole period and each group, in a
    number of queries that does not depend on the number of courses."""
    courses = outcome_courses(viewer=viewer, start=start, end=end, therapist=therapist)
    return _count_groups(courses, _groups(courses))


def outcome_totals(courses: QuerySet[Course]) -> OutcomeGroup:
    """The whole period's figures only (the command line's): one query."""
    return _count_groups(courses, [OutcomeGroup("all", "all", "All finished courses", Q())])[0]


def group_filter(dimension: str, key: str) -> Q | None:
    """The Q of one group of the table, or None for a group that is not one."""
    if dimension == "all" and key == "all":
        return Q()
    if dimension == "therapist":
        pk = parse_id(key) if key.isascii() else None
        return Q(therapist_id=pk) if pk else None
    if dimension == "protocol":
        return Q(protocol=key) if key in protocols.PROTOCOLS else None
    if dimension == "focus":
        return Q(**{f"focus_{key}": True}) if key in {a.value for a in FocusArea} else None
    if dimension == "kind":
        return Q(therapist_kind=key) if key in TherapistProfile.Kind.values else None
    return None


def courses_behind(courses: QuerySet[Course], *, figure: str, where: Q) -> QuerySet[Course]:
    """The courses in a figure's denominator (the group's), each marked `counted` when it
    is in the numerator too, oldest end first."""
    rule = FIGURE_RULES[figure]
    return (
        courses.filter(where & COUNTS[rule.denominator])
        .annotate(
            counted=Case(
                When(COUNTS[rule.numerator], then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("client", "therapist")
        .order_by("ended_on", "pk")
    )


def therapists_to_choose(viewer: User) -> Iterable[User]:
    """Whom the therapist filter offers: the viewer's clinic's therapists (a supervisor:
    their supervisees)."""
    people = User.objects.filter(clinic_id=viewer.home_clinic_id, is_therapist=True)
    if not viewer.is_clinic_admin:
        people = people.filter(pk__in=supervisee_ids(viewer))
    return people.order_by("full_name", "pk")


def group_label(viewer: User, dimension: str, key: str) -> str:
    """The name of one group of the table, as its row reads (one query for a therapist)."""
    if dimension == "therapist":
        person = User.objects.filter(clinic_id=viewer.home_clinic_id, pk=parse_id(key) or 0).first()
        return str(person) if person else "A therapist no longer in the clinic"
    if dimension == "protocol":
        return protocols.get(key).name
    if dimension == "focus":
        return FOCUS_AREA_LABELS[FocusArea(key)]
    if dimension == "kind":
        return str(TherapistProfile.Kind(key).label)
    return "All finished courses"
