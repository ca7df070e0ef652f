"""Reads of a course's inventory, timeline, focus areas and focus-area work.

The callers have already fetched the course through `course_get_for` (rules + access log),
so these only read what belongs to that course, with a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse

from iptcare.core import dates
from iptcare.courses import protocols
from iptcare.formulation import catalogue, suggest
from iptcare.formulation.catalogue import FocusArea
from iptcare.formulation.models import (
    CommunicationAnalysis,
    DeficitsWork,
    Episode,
    FocusAreaChoice,
    Formulation,
    GriefWork,
    HomeworkPracticeLog,
    HomeworkTask,
    InventoryPerson,
    InventorySnapshot,
    LifeEvent,
    RoleDisputeWork,
    RolePlay,
    RoleTransitionWork,
    TerminationRecord,
    WorkspaceSession,
)
from iptcare.measures.selectors import score_points, symptom_measure_course_ids

if TYPE_CHECKING:
    from iptcare.clients.models import Client
    from iptcare.clinic.models import Clinic
    from iptcare.courses.models import Course

# One concrete model per focus area; typed so that generic code gets a concrete class.
WorkspaceModel = type[GriefWork | RoleDisputeWork | RoleTransitionWork | DeficitsWork]
WORKSPACE_MODELS: dict[FocusArea, WorkspaceModel] = {
    FocusArea.GRIEF: GriefWork,
    FocusArea.ROLE_DISPUTE: RoleDisputeWork,
    FocusArea.ROLE_TRANSITION: RoleTransitionWork,
    FocusArea.INTERPERSONAL_DEFICITS: DeficitsWork,
}
WORKSPACE_URL_NAMES = {
    FocusArea.GRIEF: "formulation:grief",
    FocusArea.ROLE_DISPUTE: "formulation:role_dispute",
    FocusArea.ROLE_TRANSITION: "formulation:role_transition",
    FocusArea.INTERPERSONAL_DEFICITS: "formulation:deficits",
}


def focus_area_label(area: str, clinic: Clinic) -> str:
    """The area's name as this clinic says it (the fourth area may be relabelled)."""
    return _labelled(area, clinic.fourth_focus_area_label)


def _labelled(area: str, fourth_label: str) -> str:
    labels = {FocusArea.INTERPERSONAL_DEFICITS.value: fourth_label}
    return catalogue.focus_area_label(FocusArea(area), labels)


def focus_area_labels(clinic: Clinic) -> list[tuple[str, str]]:
    return [(area.value, focus_area_label(area.value, clinic)) for area in FocusArea]


# --- Interfaces other apps use -----------------------------------------------------------


@dataclass(frozen=True)
class FormulationSummary:
    inventory_people: int
    focus_areas: list[tuple[str, str]]  # (code, the clinic's label)
    formulation_agreed_on: date | None
    contract_agreed: bool


def focus_areas_by_course(course_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """The focus areas chosen for each course, as (code, the clinic's label) in the order
    they were chosen; every course asked about is present (one query)."""
    ids = list(course_ids)
    areas: dict[int, list[tuple[str, str]]] = {pk: [] for pk in ids}
    rows = (
        FocusAreaChoice.objects.filter(course_id__in=ids, archived_at__isnull=True)
        .order_by("pk")
        .values_list("course_id", "area", "clinic__fourth_focus_area_label")
    )
    for course_id, area, fourth_label in rows:
        areas[course_id].append((area, _labelled(area, fourth_label)))
    return areas


def formulation_summaries(course_ids: Iterable[int]) -> dict[int, FormulationSummary]:
    """For the course page's phase gates: three queries, whatever the number of courses."""
    ids = list(course_ids)
    if not ids:
        return {}
    people = Counter(
        {
            row["course_id"]: row["n"]
            for row in InventoryPerson.objects.filter(course_id__in=ids, archived_at__isnull=True)
            .values("course_id")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    areas = focus_areas_by_course(ids)
    formulations = {f.course_id: f for f in Formulation.objects.filter(course_id__in=ids)}
    summaries = {}
    for pk in ids:
        formulation = formulations.get(pk)
        summaries[pk] = FormulationSummary(
            inventory_people=people[pk],
            focus_areas=areas[pk],
            formulation_agreed_on=formulation.agreed_on if formulation else None,
            contract_agreed=bool(formulation and formulation.contract_agreed),
        )
    return summaries


def gate_facts(
    summary: FormulationSummary | None, has_symptom_measure: bool
) -> protocols.GateFacts:
    """The phase gates' facts, from the formulation and measures records."""
    return protocols.GateFacts(
        has_symptom_measure=has_symptom_measure,
        inventory_people=summary.inventory_people if summary else 0,
        focus_areas=len(summary.focus_areas) if summary else 0,
        formulation_agreed_on=summary.formulation_agreed_on if summary else None,
        contract_agreed=bool(summary and summary.contract_agreed),
    )


def open_gates_by_course(course_ids: Iterable[int]) -> dict[int, list[protocols.GateState]]:
    """The phase gates still open for each course (four queries, whatever the number)."""
    ids = list(course_ids)
    summaries = formulation_summaries(ids)
    measured = symptom_measure_course_ids(ids)
    return {pk: protocols.open_gates(gate_facts(summaries.get(pk), pk in measured)) for pk in ids}


def session_records(course: Course, session_number: int) -> list[tuple[str, str]]:
    """(label, url) of the focus-area work, analyses, role-plays and homework of a session."""
    records: list[tuple[str, str]] = []
    kwargs = {"course_id": course.pk}
    for area in WorkspaceSession.objects.filter(
        course=course, session_number=session_number
    ).values_list("area", flat=True):
        label = focus_area_label(area, course.clinic)
        records.append(
            (f"{label} work", reverse(WORKSPACE_URL_NAMES[FocusArea(area)], kwargs=kwargs))
        )
    for analysis in CommunicationAnalysis.objects.filter(
        course=course, session_number=session_number, archived_at__isnull=True
    ).order_by("pk"):
        url = reverse("formulation:analysis", kwargs={**kwargs, "analysis_id": analysis.pk})
        records.append((f"Communication analysis: {analysis.title}", url))
    for roleplay in RolePlay.objects.filter(
        course=course, session_number=session_number, archived_at__isnull=True
    ).order_by("pk"):
        url = reverse("formulation:roleplay", kwargs={**kwargs, "roleplay_id": roleplay.pk})
        records.append((f"Role-play: {_short(roleplay.scene)}", url))
    for task in HomeworkTask.objects.filter(course=course, set_at_session=session_number).order_by(
        "pk"
    ):
        url = reverse("formulation:homework_edit", kwargs={**kwargs, "homework_id": task.pk})
        records.append((f"Homework set: {_short(task.text)}", url))
    return records


def life_events_for_chart(course: Course) -> list[tuple[date, str]]:
    return [(e.starts_on, _short(e.label, 40)) for e in timeline_events(course)]


def onset_for(course: Course) -> date | None:
    """The onset of the current episode, if recorded."""
    return (
        Episode.objects.filter(course=course, is_current=True, archived_at__isnull=True)
        .order_by("-starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Pages -------------------------------------------------------------------------------


def inventory_people(course: Course, *, archived: bool = False) -> QuerySet[InventoryPerson]:
    return InventoryPerson.objects.filter(course=course, archived_at__isnull=not archived)


def snapshots(course: Course) -> QuerySet[InventorySnapshot]:
    return InventorySnapshot.objects.filter(course=course).select_related("taken_by")


def latest_snapshots(course: Course) -> dict[str, InventorySnapshot]:
    """The latest snapshot of each kind."""
    latest: dict[str, InventorySnapshot] = {}
    for snap in snapshots(course).order_by("taken_on", "pk"):
        latest[snap.kind] = snap
    return latest


def timeline_events(course: Course) -> list[LifeEvent]:
    return list(
        LifeEvent.objects.filter(course=course, archived_at__isnull=True)
        .prefetch_related(
            Prefetch("people", queryset=InventoryPerson.objects.order_by("name", "pk"))
        )
        .order_by("starts_on", "pk")
    )


def taken_off_timeline(course: Course) -> tuple[list[LifeEvent], list[Episode]]:
    """Archived events and episodes, kept in the record and restorable (two queries)."""
    return (
        list(
            LifeEvent.objects.filter(course=course, archived_at__isnull=False).order_by(
                "starts_on", "pk"
            )
        ),
        list(
            Episode.objects.filter(course=course, archived_at__isnull=False).order_by(
                "starts_on", "pk"
            )
        ),
    )


def episodes(course: Course) -> list[Episode]:
    return list(Episode.objects.filter(course=course, archived_at__isnull=True))


def focus_areas(course: Course) -> list[FocusAreaChoice]:
    return list(FocusAreaChoice.objects.filter(course=course, archived_at__isnull=True))


def formulation_for(course: Course) -> Formulation | None:
    return Formulation.objects.filter(course=course).first()


def workspace_for(course: Course, area: FocusArea) -> object | None:
    return WORKSPACE_MODELS[area]._default_manager.filter(course=course).first()


def analyses(course: Course) -> QuerySet[CommunicationAnalysis]:
    return CommunicationAnalysis.objects.filter(
        course=course, archived_at__isnull=True
    ).select_related("with_person")


def roleplays(course: Course) -> QuerySet[RolePlay]:
    return RolePlay.objects.filter(course=course, archived_at__isnull=True).select_related(
        "analysis"
    )


def homework(course: Course) -> QuerySet[HomeworkTask]:
    return HomeworkTask.objects.filter(course=course).prefetch_related(
        Prefetch("practice", queryset=HomeworkPracticeLog.objects.order_by("created_at", "pk"))
    )


def homework_for_client(client: Client) -> list[HomeworkTask]:
    """The tasks a client sees in the portal: shared with them, from any of their courses."""
    tasks = (
        HomeworkTask.objects.filter(course__client=client, visible_to_client=True)
        .exclude(status=HomeworkTask.Status.DROPPED)
        .prefetch_related(
            Prefetch("practice", queryset=HomeworkPracticeLog.objects.order_by("created_at", "pk"))
        )
        .order_by("-set_at_session", "-pk")
    )
    # Open tasks first: they are the ones the client can still report on.
    return sorted(tasks, key=lambda task: not task.is_open)


def symptom_scores(course: Course, code: str = "phq9") -> list[tuple[date, int]]:
    """The measure's complete totals by date (from the measures app, one layer down)."""
    return score_points(course, code)


def focus_suggestions(course: Course) -> list[suggest.Suggestion]:
    """Rank the focus areas from this course's timeline, inventory and presenting concerns.

    Only a suggestion for the therapist: the client and therapist choose together.
    """
    people = list(inventory_people(course))
    events = timeline_events(course)
    onset = onset_for(course)
    assessed_on = max(course.start_date, onset) if onset else course.start_date
    case = suggest.Case(
        assessed_on=assessed_on,
        onset=onset,
        events=tuple(
            suggest.LifeEvent(
                type=catalogue.event_type(event.code),
                date=event.starts_on,
                person=event.people.all()[0].name if event.people.all() else None,
                note=event.title or event.notes[:80] or None,
            )
            for event in events
        ),
        people=tuple(
            suggest.Person(
                name=person.name,
                relation=person.relation,
                closeness=person.ring,
                conflict=person.conflict,
                support=person.support,
                deceased=person.status == InventoryPerson.Status.DECEASED,
                ended=person.status == InventoryPerson.Status.ENDED,
            )
            for person in people
        ),
        narrative=course.client.presenting_concerns,
    )
    return suggest.suggest(case)


# --- Comparing inventories and the progress review -------------------------------------

COMPARED = [
    ("ring", "Ring"),
    ("status", "Status"),
    ("practical_support", "Practical support"),
    ("emotional_support", "Emotional support"),
    ("confidant", "Confidant"),
    ("conflict", "Conflict"),
    ("expectations_met", "Expectations met"),
]


def compare_inventories(
    before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Pair each person then with the same person now (by record, else by name)."""
    rows = []
    unmatched = list(after)
    for old in before:
        new = next((p for p in unmatched if p.get("id") == old.get("id")), None) or next(
            (p for p in unmatched if p["name"].casefold() == old["name"].casefold()), None
        )
        if new is not None:
            unmatched.remove(new)
        rows.append(_compared_row(old, new))
    rows.extend(_compared_row(None, new) for new in unmatched)
    return rows


def _compared_row(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    person = new or old or {}
    cells = []
    for key, label in COMPARED:
        then = old.get(key) if old else None
        now = new.get(key) if new else None
        cells.append(
            {
                "label": label,
                "then": _shown(key, then) if old else "—",
                "now": _shown(key, now) if new else "—",
                "changed": old is not None and new is not None and then != now,
            }
        )
    return {
        "name": person.get("name", ""),
        "relation": person.get("relation", ""),
        "only": "now" if old is None else ("then" if new is None else ""),
        "cells": cells,
    }


def _shown(key: str, value: Any) -> str:
    if key == "status":
        return str(dict(InventoryPerson.Status.choices).get(value, value))
    if key == "expectations_met":
        return str(dict(InventoryPerson.Met.choices).get(value, value))
    if key == "confidant":
        return "yes" if value else "no"
    return "—" if value is None else str(value)


def termination_for(course: Course) -> TerminationRecord | None:
    return TerminationRecord.objects.filter(course=course).first()


@dataclass(frozen=True)
class ScoreChange:
    name: str
    first: tuple[date, int]
    last: tuple[date, int]

    @property
    def change(self) -> int:
        return self.last[1] - self.first[1]


@dataclass(frozen=True)
class ProgressReview:
    """What the records say at the end: goals, scores then and now, the inventory then and now."""

    goals: list[tuple[str, str]]  # (the clinic's label, the goals as written)
    scores: list[ScoreChange]
    inventory_then: InventorySnapshot | None
    inventory_now_label: str
    inventory_rows: list[dict[str, Any]]
    at_termination: bool  # "now" is the termination snapshot, not today's inventory


REVIEWED_MEASURES = (("phq9", "PHQ-9"), ("gad7", "GAD-7"), ("phqa", "PHQ-A"))


def progress_review(course: Course) -> ProgressReview:
    goals = [(focus_area_label(c.area, course.clinic), c.goals) for c in focus_areas(course)]
    scores = []
    for code, name in REVIEWED_MEASURES:
        points = sorted(symptom_scores(course, code))
        if points:
            scores.append(ScoreChange(name=name, first=points[0], last=points[-1]))
    latest = latest_snapshots(course)
    then = latest.get(InventorySnapshot.Kind.INITIAL)
    at_end = latest.get(InventorySnapshot.Kind.TERMINATION)
    if at_end is not None:
        now_people, now_label = (
            at_end.people,
            f"at termination ({dates.day_short(at_end.taken_on)})",
        )
    else:
        now_people = [p.as_snapshot() for p in inventory_people(course)]
        now_label = "now (no termination snapshot yet)"
    rows = compare_inventories(then.people if then else [], now_people)
    return ProgressReview(
        goals=goals,
        scores=scores,
        inventory_then=then,
        inventory_now_label=now_label,
        inventory_rows=rows,
        at_termination=at_end is not None,
    )
