"""Demo answer histories: realistic trajectories for the demo courses, one open risk flag
(Benjamin Cho, escalated to his therapist's supervisor), one closed flag with its action
(Jordan Lee), one client not on track (Maria Santos), one recovered course (Ethan Brown).
Runs after the courses and formulation demos; loading twice changes nothing."""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from iptcare.audit.services import Actor
from iptcare.courses.models import Course, SessionNote
from iptcare.measures import scoring
from iptcare.measures.models import FlagAction, ItemAnswer, QuestionnaireResponse, RiskFlag
from iptcare.measures.selectors import measures_due_at
from iptcare.measures.services import _flag_raise, flag_resolve, flags_escalate_overdue
from iptcare.measures.synthetic import positions_for_total

SYSTEM = Actor(user=None, role="system", request_id="demo-loader")

# The session whose PHQ-9 item 9 was answered "Several days".
RISKY_SESSION = {"Jordan Lee": 3, "Benjamin Cho": 5}
# PHQ-9 (or PHQ-A) and GAD-7 by session, per client. Ethan recovers, Maria is stuck.
STORIES: dict[str, dict[str, list[int]]] = {
    "Jordan Lee": {
        "phq": [18, 17, 16, 14, 13, 12, 11, 10, 9],
        "gad7": [12, 12, 11, 10, 9, 9, 8, 7, 7],
    },
    "Benjamin Cho": {"phq": [15, 15, 14, 13, 13, 12], "gad7": [9, 9, 8, 8, 7, 7]},
    "Maria Santos": {
        "phq": [16, 17, 16, 17, 18, 17, 17, 18, 17, 18, 17, 18, 18, 17],
        "gad7": [11, 11, 12, 12, 11, 12, 12, 13, 12, 12, 13, 12, 12, 12],
    },
    "Chloe Tremblay": {"phq": [17, 16, 15], "mood": [3, 4, 4]},
    "Ahmed Karimi": {"phq": [14, 13, 11, 10, 9, 8, 8], "gad7": [10, 10, 9, 8, 7, 6, 6]},
    "Liam O'Connor": {"phq": [12, 12], "gad7": [7, 7]},
    "Ethan Brown": {
        "phq": [17, 16, 15, 14, 12, 11, 10, 9, 8, 8, 7, 7, 6, 6, 6, 6],
        "gad7": [12, 12, 11, 10, 9, 8, 8, 7, 7, 6, 6, 5, 5, 5, 5, 5],
    },
    "Lucas Martin": {"phq": [16, 16, 15, 14, 14], "gad7": [10, 10, 10, 9, 9]},
}


def _at(day, zone: str) -> datetime:
    # Answered in the portal the morning of the session.
    return datetime.combine(day, time(8, 45), tzinfo=ZoneInfo(zone))


def _store(
    course: Course,
    code: str,
    positions: Sequence[int],
    number: int,
    at: datetime,
    extras: Mapping[str, object] | None = None,
) -> None:
    """A past answer, scored like any other (the course may have ended since)."""
    result = scoring.score(code, positions, extras=extras) if code != "mood" else None
    response = QuestionnaireResponse.objects.create(
        clinic_id=course.clinic_id,
        course=course,
        client_id=course.client_id,
        code=code,
        session_number=number,
        administered=QuestionnaireResponse.Administered.PORTAL,
        submitted_at=at,
        complete=True,
        total=result.total if result else positions[0],
        prorated=False,
        severity=(result.severity or "") if result else "",
        risk=result.risk if result else False,
        risk_items=list(result.risk_items) if result else [],
        extras=dict(result.extras) if result else {},
        idempotency_key=f"demo-{uuid.uuid4().hex}",
    )
    scores = result.item_scores if result else (positions[0],)
    ItemAnswer.objects.bulk_create(
        ItemAnswer(response=response, item_number=n, position=p, score=s)
        for n, (p, s) in enumerate(zip(positions, scores, strict=True), start=1)
    )
    if response.risk:
        _flag_raise(actor=SYSTEM, response=response, answers=positions)


def _history(
    course: Course, story: dict[str, list[int]], rng: random.Random, *, risky_session: int | None
) -> None:
    notes = list(
        SessionNote.objects.filter(course=course, attendance=SessionNote.Attendance.ATTENDED)
        .order_by("number")
        .values_list("number", "date")
    )
    zone = course.clinic.time_zone
    phq_code = "phqa" if course.protocol == "ipt_a" else "phq9"
    for index, (number, day) in enumerate(notes):
        at = _at(day, zone)
        due = {m.code for m in measures_due_at(course, number)}
        if index < len(story.get("phq", [])) and phq_code in due:
            extras = (
                {"difficulty": 1}
                if phq_code == "phq9"
                else {"suicide_month": False, "attempt_ever": False}
            )
            risk = 1 if number == risky_session else 0
            positions = positions_for_total(phq_code, story["phq"][index], rng=rng, risk=risk)
            _store(course, phq_code, positions, number, at, extras)
        if index < len(story.get("gad7", [])) and "gad7" in due:
            _store(
                course,
                "gad7",
                positions_for_total("gad7", story["gad7"][index], rng=rng),
                number,
                at,
            )
        if index < len(story.get("mood", [])) and "mood" in due:
            _store(course, "mood", [story["mood"][index]], number, at)
        if "wsas" in due:
            wsas = max(4, story["phq"][min(index, len(story["phq"]) - 1)] + 3)
            _store(
                course,
                "wsas",
                positions_for_total("wsas", min(wsas, 40), rng=rng),
                number,
                at + timedelta(minutes=4),
            )


def load_demo(demo) -> None:
    rng = random.Random(4)
    courses = {
        c.client.legal_name: c
        for c in Course.objects.filter(clinic=demo.clinic)
        .select_related("client", "clinic")
        .order_by("pk")
    }
    added = False
    for name, story in STORIES.items():
        course = courses.get(name)
        if course is None or QuestionnaireResponse.objects.filter(course=course).exists():
            continue
        _history(course, story, rng, risky_session=RISKY_SESSION.get(name))
        added = True
    if not added:
        return
    now = timezone.now()
    for flag in RiskFlag.objects.filter(
        clinic=demo.clinic, status=RiskFlag.Status.OPEN
    ).select_related("client", "course__therapist"):
        if flag.client.legal_name == "Jordan Lee":
            flag_resolve(
                actor=Actor(user=flag.course.therapist, role="therapist", request_id="demo-loader"),
                flag=flag,
                action="risk_assessed",
                note="Called Jo the same afternoon: passive thoughts, no plan or intent; "
                "reviewed the safety plan and the crisis line together.",
            )
            FlagAction.objects.filter(flag=flag).update(at=flag.raised_at + timedelta(hours=3))
            RiskFlag.objects.filter(pk=flag.pk).update(
                closed_at=flag.raised_at + timedelta(hours=3)
            )
        else:
            # Benjamin's answer came in 30 hours ago and nobody has acted: escalated.
            raised = now - timedelta(hours=30)
            QuestionnaireResponse.objects.filter(pk=flag.response_id).update(submitted_at=raised)
            RiskFlag.objects.filter(pk=flag.pk).update(raised_at=raised)
    flags_escalate_overdue(now=now)
    demo.report.created.append("questionnaire answers and risk flags")
