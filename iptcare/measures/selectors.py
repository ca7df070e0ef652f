"""Reads of questionnaire answers, plans and risk flags. Each knows its query count."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.rules import acting_role
from iptcare.clinic.selectors import supervisee_ids
from iptcare.courses.models import Course
from iptcare.courses.selectors import course_position
from iptcare.measures import instruments
from iptcare.measures.models import (
    ClinicInstrument,
    MeasurementPlan,
    PlanItem,
    QuestionnaireResponse,
    RiskFlag,
)

SYMPTOM_CODES = ("phq9", "phqa", "gad7")


def local_date(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


# --- shared interfaces (other apps call these) --------------------------------------------


def symptom_measure_course_ids(course_ids: Iterable[int]) -> set[int]:
    """Courses with at least one complete PHQ-9, PHQ-A or GAD-7 (one query)."""
    return set(
        QuestionnaireResponse.objects.filter(
            course_id__in=list(course_ids), code__in=SYMPTOM_CODES, complete=True
        )
        .values_list("course_id", flat=True)
        .distinct()
    )


def score_points(course: Course, code: str) -> list[tuple[date, int]]:
    """Complete totals of one instrument for a course, oldest first, dated in the clinic."""
    time_zone = course.clinic.time_zone
    rows = QuestionnaireResponse.objects.filter(
        course_id=course.pk, code=code, complete=True
    ).values_list("submitted_at", "total")
    return [(local_date(at, time_zone), total) for at, total in rows]


def open_flag_counts(course_ids: Iterable[int]) -> dict[int, int]:
    """Open risk flags per course; every course id asked about is present (one query)."""
    ids = list(course_ids)
    counts = dict.fromkeys(ids, 0)
    rows = (
        RiskFlag.objects.filter(course_id__in=ids, status=RiskFlag.Status.OPEN)
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    counts.update(rows)
    return counts


# --- instruments a clinic uses -------------------------------------------------------------


ENABLED_CACHE_SECONDS = 300


def enabled_cache_key(clinic_id: int) -> str:
    return f"measures:enabled:{clinic_id}"


def enabled_codes(clinic_id: int) -> list[str]:
    """The clinic's instruments in registry order: defaults, overridden by its choices.

    Cached (every submission asks); `clinic_instrument_set` clears the cache on a change.
    """
    from django.core.cache import cache

    key = enabled_cache_key(clinic_id)
    codes = cache.get(key)
    if codes is None:
        chosen = dict(
            ClinicInstrument.objects.filter(clinic_id=clinic_id).values_list("code", "enabled")
        )
        codes = [i.code for i in instruments.ALL if chosen.get(i.code, i.enabled_by_default)]
        cache.set(key, codes, ENABLED_CACHE_SECONDS)
    return list(codes)


@dataclass(frozen=True)
class InstrumentChoice:
    """One instrument on the clinic's instruments page."""

    instrument: instruments.Instrument
    enabled: bool
    # Off by default (EPDS): the clinic must check its licence before turning it on.
    needs_licence_check: bool


def clinic_instruments(clinic_id: int) -> list[InstrumentChoice]:
    """Every instrument IPTCare knows, with the clinic's choice, read fresh (one query)."""
    chosen = dict(
        ClinicInstrument.objects.filter(clinic_id=clinic_id).values_list("code", "enabled")
    )
    return [
        InstrumentChoice(
            instrument=i,
            enabled=chosen.get(i.code, i.enabled_by_default),
            needs_licence_check=not i.enabled_by_default,
        )
        for i in instruments.ALL
    ]


# --- measurement plans ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedMeasure:
    code: str
    when: str

    @property
    def instrument(self) -> instruments.Instrument:
        return instruments.get(self.code)

    @property
    def when_label(self) -> str:
        return PlanItem.When(self.when).label


def default_plan(protocol: str) -> list[PlannedMeasure]:
    """The plan a course gets unless its therapist changes it (issue 4, item 3).

    Adults: PHQ-9 and GAD-7 every session, WSAS at the first, middle and last session.
    IPT-A: PHQ-A (with its suicide questions) and the 1–10 mood rating every session.
    """
    every, fml = PlanItem.When.EVERY_SESSION, PlanItem.When.FIRST_MIDDLE_LAST
    if protocol == "ipt_a":
        return [PlannedMeasure("phqa", every), PlannedMeasure("mood", every)]
    return [
        PlannedMeasure("phq9", every),
        PlannedMeasure("gad7", every),
        PlannedMeasure("wsas", fml),
    ]


def plan_for(course: Course) -> list[PlannedMeasure]:
    """The course's saved plan, or the default for its protocol when none is saved."""
    plan = MeasurementPlan.objects.filter(course_id=course.pk).first()
    if plan is None:
        return default_plan(course.protocol)
    return [PlannedMeasure(item.code, item.when) for item in plan.items.all()]


def plan_session_numbers(
    when: str, planned: int | None, review_every: int | None
) -> set[int] | None:
    """Session numbers a plan entry falls on; None means every session.

    "Middle" is session ⌈planned / 2⌉ (8 of 16, 4 of 8, 6 of 12). An open-ended course
    (maintenance) has no last session: its first session and every review session count.
    """
    if when == PlanItem.When.EVERY_SESSION:
        return None
    if planned is None:
        every = review_every or 6
        return {1} | {n for n in range(every, 1000, every)}
    if when == PlanItem.When.FIRST_AND_LAST:
        return {1, planned}
    return {1, (planned + 1) // 2, planned}


def measures_due_at(course: Course, session_number: int) -> list[PlannedMeasure]:
    """The plan's measures for one session, limited to what the clinic has enabled."""
    enabled = set(enabled_codes(course.clinic_id))
    review_every = course.protocol_spec.review_every
    due = []
    for entry in plan_for(course):
        if entry.code not in enabled:
            continue
        sessions = plan_session_numbers(entry.when, course.planned_sessions, review_every)
        if sessions is None or session_number in sessions:
            due.append(entry)
    return due


# --- responses -----------------------------------------------------------------------------


def responses_for_course(course: Course) -> QuerySet[QuestionnaireResponse]:
    return (
        QuestionnaireResponse.objects.filter(course_id=course.pk)
        .select_related("submitted_by", "flag")
        .order_by("-submitted_at", "-pk")
    )


def response_get_for(*, actor: Actor, pk: int) -> QuestionnaireResponse:
    """One response with its item answers, if the actor may see the course; else 404."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    response = (
        QuestionnaireResponse.objects.filter(clinic_id=user.home_clinic_id, pk=pk)
        .select_related("course__client__clinic", "course__therapist", "submitted_by")
        .prefetch_related("answers")
        .first()
    )
    if response is None or not user.has_perm("courses.view_course", response.course):
        raise Http404
    access_record(
        actor=actor.as_role(acting_role(user, response.client)),
        action="read",
        client=response.course.client,
        target=response,
    )
    return response


def answered_codes_for_session(course: Course, session_number: int) -> set[str]:
    return set(
        QuestionnaireResponse.objects.filter(
            course_id=course.pk, session_number=session_number
        ).values_list("code", flat=True)
    )


# --- flags ---------------------------------------------------------------------------------


def raised_before_sending(course: Course, key: str) -> bool:
    """Whether a risky answer on this (unsent) form has already raised its flag."""
    return RiskFlag.objects.filter(course_id=course.pk, draft_key=key).exists()


def flags_for_course(course: Course) -> list[RiskFlag]:
    """Every flag on a course, open ones first, with their actions (two queries)."""
    flags = (
        RiskFlag.objects.filter(course_id=course.pk)
        .select_related("response", "escalated_to")
        .prefetch_related("actions__by")
    )
    return sorted(flags, key=lambda f: (f.status != RiskFlag.Status.OPEN, -f.raised_at.timestamp()))


def flag_get_for(*, actor: Actor, pk: int) -> RiskFlag:
    """A flag, if the actor may see its course; 404 otherwise. The read is audited."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    flag = (
        RiskFlag.objects.filter(clinic_id=user.home_clinic_id, pk=pk)
        .select_related("course__client__clinic", "course__therapist", "response", "client")
        .prefetch_related("actions__by")
        .first()
    )
    if flag is None or not user.has_perm("courses.view_course", flag.course):
        raise Http404
    access_record(
        actor=actor.as_role(acting_role(user, flag.client)),
        action="read",
        client=flag.client,
        target=flag,
    )
    return flag


def open_flags_for_supervisor(user: User) -> list[RiskFlag]:
    """Open flags on the supervisees' clients, escalated ones first."""
    flags = (
        RiskFlag.objects.filter(clinic_id=user.home_clinic_id, status=RiskFlag.Status.OPEN)
        .filter(Q(course__therapist__in=supervisee_ids(user)) | Q(escalated_to=user))
        .distinct()
        .select_related("client", "response", "course__therapist")
    )
    return sorted(flags, key=lambda f: (f.escalated_at is None, f.raised_at))


def escalated_flags_for_administrators(clinic_id: int) -> list[RiskFlag]:
    """Open flags escalated to the clinic's administrators (no supervisor to take them).

    Administrators see who and when, not the answers: the client's clinical record needs
    the break-glass step.
    """
    return list(
        RiskFlag.objects.filter(
            clinic_id=clinic_id,
            status=RiskFlag.Status.OPEN,
            escalated_to_role=RiskFlag.EscalatedTo.ADMINISTRATORS,
        )
        .select_related("client", "course__therapist")
        .order_by("raised_at")
    )


# --- scores at a glance (caseload, course page) -------------------------------------------


@dataclass(frozen=True)
class LatestScore:
    code: str
    short_name: str
    total: int
    severity: str
    severity_label: str
    session_number: int
    previous: int | None
    first: int
    first_session: int

    @property
    def trend(self) -> str:
        """falling / rising / steady: a change under 3 points from the previous score is
        treated as steady, since single points are within day-to-day noise."""
        if self.previous is None:
            return "first"
        change = self.total - self.previous
        if change <= -3:
            return "falling"
        if change >= 3:
            return "rising"
        return "steady"

    @property
    def trend_arrow(self) -> str:
        return {"falling": "↓", "rising": "↑", "steady": "→", "first": "·"}[self.trend]

    @property
    def trend_label(self) -> str:
        if self.previous is None:
            return "first score"
        return f"{self.trend} (was {self.previous})"


def latest_scores(course_ids: Iterable[int]) -> dict[int, dict[str, LatestScore]]:
    """For each course: the latest PHQ-9/PHQ-A and GAD-7, the score before it and the
    first one ("latest" = the highest session number, then the last stored). One query of
    narrow rows whatever the number of courses, grouped here: on SQLite a window function
    picking the three rows per course costs more than reading them all (measured)."""
    ids = list(course_ids)
    if not ids:
        return {}
    rows = (
        QuestionnaireResponse.objects.filter(
            course_id__in=ids, code__in=SYMPTOM_CODES, complete=True
        )
        .order_by()
        .values_list("course_id", "code", "total", "session_number", "pk")
    )
    groups: dict[tuple[int, str], list[tuple[int, int, int]]] = {}
    for course_id, code, total, session, pk in rows:
        groups.setdefault((course_id, code), []).append((session, pk, total))
    result: dict[int, dict[str, LatestScore]] = {course_id: {} for course_id in ids}
    for (course_id, code), points in groups.items():
        points.sort()
        first, latest = points[0], points[-1]
        previous = points[-2] if len(points) > 1 else None
        instrument = instruments.get(code)
        band = instrument.band_for(latest[2])
        result[course_id]["gad7" if code == "gad7" else "phq"] = LatestScore(
            code=code,
            short_name=instrument.short_name,
            total=latest[2],
            severity=band.key,
            severity_label=band.label,
            session_number=latest[0],
            previous=previous[2] if previous else None,
            first=first[2],
            first_session=first[0],
        )
    return result


# --- one session's answers (the session note page) ----------------------------------------


@dataclass(frozen=True)
class SessionMeasure:
    """One questionnaire answered for a session, as the note page shows it."""

    response_id: int
    code: str
    short_name: str
    complete: bool
    total: int | None
    prorated: bool
    severity: str
    severity_label: str
    risk: bool
    # Safety questions left blank (no flag, but ask in person).
    risk_unanswered: bool
    administered_label: str
    submitted_at: datetime

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("measures:response", args=[self.response_id])


def session_measures(course: Course, session_number: int) -> list[SessionMeasure]:
    """The questionnaires answered for one session of a course, in registry order then
    time answered: scores with their band and a link to the item-by-item answers. One
    query, however many were answered."""
    rows = (
        QuestionnaireResponse.objects.filter(course_id=course.pk, session_number=session_number)
        .order_by("submitted_at", "pk")
        .only(
            "pk",
            "code",
            "complete",
            "total",
            "prorated",
            "severity",
            "risk",
            "risk_items_unanswered",
            "administered",
            "submitted_at",
        )
    )
    order = {i.code: n for n, i in enumerate(instruments.ALL)}
    found = []
    for row in rows:
        instrument = instruments.get(row.code)
        band = next((b for b in instrument.bands if b.key == row.severity), None)
        found.append(
            SessionMeasure(
                response_id=row.pk,
                code=row.code,
                short_name=instrument.short_name,
                complete=row.complete,
                total=row.total,
                prorated=row.prorated,
                severity=row.severity,
                severity_label=band.label if band else "",
                risk=row.risk,
                risk_unanswered=bool(row.risk_items_unanswered),
                administered_label=row.get_administered_display(),
                submitted_at=row.submitted_at,
            )
        )
    found.sort(key=lambda m: order.get(m.code, len(order)))  # stable: time within a code
    return found


# --- not on track --------------------------------------------------------------------------

CURVE_CACHE_SECONDS = 60 * 60


def expected_curve(clinic_id: int, *, use_cache: bool = True):
    """The clinic's expected-PHQ-9 curve (see tracking.py), cached for an hour because it
    reads every completed course of the clinic."""
    from django.core.cache import cache

    from iptcare.measures import tracking

    cache_key = f"measures:curve:{clinic_id}"
    if use_cache:
        cached = cache.get(cache_key)
        if cached is not None:
            return cached
    rows = QuestionnaireResponse.objects.filter(
        clinic_id=clinic_id,
        code__in=("phq9", "phqa"),
        complete=True,
        course__status=Course.Status.COMPLETED,
    ).values_list("course_id", "session_number", "total")
    by_course: dict[int, list[tuple[int, int]]] = {}
    for course_id, session_number, total in rows.iterator(chunk_size=5000):
        by_course.setdefault(course_id, []).append((session_number, total))
    curve = tracking.clinic_curve(by_course.values())
    cache.set(cache_key, curve, CURVE_CACHE_SECONDS)
    return curve


def track_statuses(clinic_id: int, scores: dict[int, dict[str, LatestScore]]):
    """Per course: tracking.TrackStatus from the first and latest PHQ-9 (or PHQ-A)."""
    from iptcare.measures import tracking

    curve = None
    statuses: dict[int, object] = {}
    for course_id, by_code in scores.items():
        phq = by_code.get("phq")
        if phq is None:
            statuses[course_id] = None
            continue
        curve = curve or expected_curve(clinic_id)
        statuses[course_id] = tracking.track_status(
            start=phq.first,
            latest=phq.total,
            session_number=phq.session_number,
            curve=curve,
            short_name=phq.short_name,
        )
    return statuses


# --- one course's measures page ------------------------------------------------------------


@dataclass
class CourseMeasures:
    responses: list[QuestionnaireResponse]
    flags: list[RiskFlag]
    charts: Sequence[object]
    outcome: object | None
    outcome_note: str
    track: object | None
    outcome_key: str
    attended: int
    plan: list[PlannedMeasure]
    changes: Sequence[object]


def sessions_attended(course: Course) -> int:
    """Sessions held, from the course's notes."""
    return course_position(course).held


def _phase_starts(course: Course, responses: list[QuestionnaireResponse]) -> list[tuple[date, str]]:
    from iptcare.courses import protocols

    try:
        bounds = protocols.phase_bounds(course.protocol_spec, course.planned_sessions)
    except protocols.ProtocolError:
        return []
    time_zone = course.clinic.time_zone
    starts = []
    for phase, (first, _last) in bounds.items():
        if first <= 1:
            continue
        at = [r.submitted_at for r in responses if r.session_number >= first]
        if at:
            starts.append((local_date(min(at), time_zone), phase.label.capitalize()))
    return starts


def course_measures(
    course: Course, *, life_events: Sequence[tuple[date, str]] = (), calm: bool = False
) -> CourseMeasures:
    """Everything the course's measures page shows, in a fixed number of queries. The
    charts mark `life_events` (date, label), from the timeline: the page reads them from
    formulation, which sits above measures."""
    from iptcare.measures import charts, outcomes

    responses = list(responses_for_course(course).order_by("submitted_at", "pk"))
    flags = flags_for_course(course)
    time_zone = course.clinic.time_zone
    flagged = {f.response_id: f for f in flags}
    phase_starts = _phase_starts(course, responses)
    drawn = []
    for code in [i.code for i in instruments.ALL if i.kind == "questionnaire"]:
        points = [
            charts.ChartPoint(
                day=local_date(r.submitted_at, time_zone),
                total=r.total,
                session_number=r.session_number,
                flagged=r.pk in flagged,
                label=flagged[r.pk].reason if r.pk in flagged else "",
            )
            for r in responses
            if r.code == code
        ]
        if points:
            drawn.append(
                charts.build_chart(
                    code,
                    points,
                    phase_starts=phase_starts,
                    life_events=() if calm else life_events,
                    calm=calm,
                )
            )
    firsts: dict[str, int] = {}
    lasts: dict[str, int] = {}
    for r in responses:
        if r.complete and r.total is not None:
            key = "phq9" if r.code in ("phq9", "phqa") else r.code
            firsts.setdefault(key, r.total)
            lasts[key] = r.total
    attended = sessions_attended(course)
    paired: tuple[outcomes.PairedMeasure, ...] = ("phq9", "gad7")  # reliable change is defined
    changes = [
        outcomes.measure_change(code, firsts[code], lasts[code])
        for code in paired
        if _paired(responses, code)
    ]
    outcome = None
    note = ""
    if "phq9" in firsts or "gad7" in firsts:
        outcome = outcomes.classify(
            firsts.get("phq9"),
            lasts.get("phq9") if _paired(responses, "phq9") else None,
            firsts.get("gad7"),
            lasts.get("gad7") if _paired(responses, "gad7") else None,
            attended,
            so_far=course.is_open,
        )
        if course.is_open:
            note = "The course is still open: these classes describe the change so far."
    scores = latest_scores([course.pk])
    track = track_statuses(course.clinic_id, scores).get(course.pk)
    return CourseMeasures(
        responses=list(reversed(responses)),
        flags=flags,
        charts=drawn,
        outcome=outcome,
        outcome_note=note,
        track=track,
        outcome_key=outcomes.KEY,
        attended=attended,
        plan=plan_for(course),
        changes=changes,
    )


def _paired(responses: list[QuestionnaireResponse], key: str) -> bool:
    codes = ("phq9", "phqa") if key == "phq9" else (key,)
    return sum(1 for r in responses if r.complete and r.code in codes) >= 2
