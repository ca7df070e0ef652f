"""Writes to a course's inventory, timeline, focus areas and focus-area work.

Every service is atomic and writes its access-log entry in the same transaction. Bad input
raises FormulationError (naming the field when there is one) and saves nothing. Records are
archived, never deleted; edits carry the version the person started from, and a stale one
is refused (two tabs never overwrite each other silently).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from iptcare.audit.services import Actor, access_record
from iptcare.core import dates
from iptcare.courses.models import Course
from iptcare.formulation.catalogue import EVENT_TYPES, FocusArea
from iptcare.formulation.models import (
    CommunicationAnalysis,
    CourseRecord,
    DisputeStageChange,
    Episode,
    FocusAreaChoice,
    Formulation,
    HomeworkPracticeLog,
    HomeworkTask,
    InventoryPerson,
    InventorySnapshot,
    LifeEvent,
    RoleDisputeWork,
    RolePlay,
    TerminationRecord,
    WorkspaceSession,
)
from iptcare.formulation.selectors import WORKSPACE_MODELS, focus_area_label

MAX_FOCUS_AREAS = 2
TURN_FIELDS = ("speaker", "said", "tone", "felt", "meant", "hoped")

PERSON_FIELDS = (
    "name",
    "relation",
    "ring",
    "status",
    "contact_frequency",
    "shared_activities",
    "practical_support",
    "emotional_support",
    "confidant",
    "client_expects",
    "they_expect",
    "expectations_met",
    "good_aspects",
    "difficult_aspects",
    "conflict",
    "changes_since_onset",
    "wanted_change",
    "shared_with_client",
)
FORMULATION_FIELDS = (
    "text",
    "agreed_on",
    "contract_sessions",
    "contract_frequency",
    "contract_focus",
    "missed_session_policy",
    "contract_agreed_on",
)
ANALYSIS_FIELDS = (
    "session_number",
    "title",
    "with_person",
    "happened_on",
    "context",
    "outcome",
    "problems",
    "problems_note",
    "alternatives",
    "plan",
)
ROLEPLAY_FIELDS = (
    "session_number",
    "scene",
    "therapist_plays",
    "client_wants_to_say",
    "how_it_went",
    "try_in_life",
)
HOMEWORK_FIELDS = (
    "text",
    "set_at_session",
    "due_session",
    "status",
    "outcome",
    "visible_to_client",
)
TERMINATION_FIELDS = (
    "goals_review",
    "client_account",
    "warning_signs",
    "recurrence_plan",
    "recommendation",
    "recommendation_note",
    "completed_on",
)
# Stage changes go through dispute_stage_change so that each one is kept with its date.
WORKSPACE_EXCLUDED = {"id", "clinic", "course", "created_at", "updated_at", "version", "stage"}

Record = TypeVar("Record", bound=models.Model)


class FormulationError(ValueError):
    """Input the clinic's rules refuse; `field` names the form field when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleVersionError(FormulationError):
    def __init__(self) -> None:
        super().__init__(
            "Someone saved this record after you opened it (perhaps in another tab). "
            "Nothing was saved: reload the page to see their changes, then make yours again."
        )


# --- Helpers -----------------------------------------------------------------------------


def _audit(
    actor: Actor, action: str, course: Course, target: models.Model, detail: str = ""
) -> None:
    access_record(actor=actor, action=action, client=course.client, target=target, detail=detail)


def _check_fields(fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise FormulationError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _validate(record: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Field rules (choices, 0-3 ranges, lengths) hold whoever calls the service."""
    try:
        record.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise FormulationError(messages[0], field=None if field == "__all__" else field) from error


def _lock(model: type[Record], pk: int) -> Record:
    return model._default_manager.select_for_update().get(pk=pk)


def _changed(record: models.Model, fields: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def _save_edit(
    actor: Actor,
    model: type[Record],
    record: CourseRecord,
    version: int | None,
    fields: Mapping[str, Any],
    check: Any = None,
) -> Record:
    """Lock, refuse a stale version, apply, validate, save and audit the changed fields."""
    locked: Any = _lock(model, record.pk)
    if version is not None and locked.version != version:
        raise StaleVersionError
    changed = _changed(locked, fields)
    if not changed:
        return locked
    _validate(locked)
    if check is not None:
        check(locked)
    locked.version += 1
    locked.save()
    _audit(actor, "update", record.course, locked, "changed: " + ", ".join(changed))
    return locked


def _create(
    actor: Actor,
    course: Course,
    model: type[Record],
    fields: Mapping[str, Any],
    check: Any = None,
    detail: str = "",
) -> Record:
    """Validate the field rules, then the clinic's (`check`), save and audit a new record."""
    record: Any = model(clinic_id=course.clinic_id, course=course, **fields)
    _validate(record, exclude=["clinic", "course"])
    if check is not None:
        check(record)
    record.save()
    _audit(actor, "create", course, record, detail)
    return record


def _save_course_record(
    actor: Actor,
    course: Course,
    model: type[Record],
    version: int | None,
    fields: Mapping[str, Any],
    check: Any = None,
) -> Record:
    """Create or update a record a course has one of (formulation, workspace, termination)."""
    # Lock the course row so two tabs cannot each create the course's one record.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    existing: Any = model._default_manager.filter(course=course).first()
    if existing is not None:
        return _save_edit(actor, model, existing, version, fields, check=check)
    if version not in (None, 0):
        raise StaleVersionError
    return _create(actor, course, model, fields, check=check)


def _set_archived(
    actor: Actor,
    model: type[Record],
    record: CourseRecord,
    *,
    archived: bool,
    detail: str = "",
    **also: Any,
) -> Record:
    """Archive (or restore) a record: kept, never deleted; repeating it changes nothing."""
    locked: Any = _lock(model, record.pk)
    if (locked.archived_at is None) == archived:
        locked.archived_at = timezone.now() if archived else None
        for name, value in also.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save(update_fields=["archived_at", *also, "version", "updated_at"])
        action = "archive" if archived else "restore"
        _audit(actor, action, record.course, locked, detail)
    return locked


def _check_session(course: Course, number: int | None, field: str) -> None:
    """A session number must lie within the planned length (extend the course first)."""
    if number is None:
        return
    if number < 1:
        raise FormulationError("Session numbers start at 1.", field=field)
    if course.planned_sessions is not None and number > course.planned_sessions:
        raise FormulationError(
            f"Session {number} is past the planned {course.planned_sessions} sessions. "
            "Extend the course first (with a reason) if more sessions are agreed.",
            field=field,
        )


def _check_not_future(value: date | None, field: str, what: str) -> None:
    if value is not None and value > timezone.localdate():
        raise FormulationError(f"{what} cannot be in the future.", field=field)


def _check_order(start: date | None, end: date | None, field: str = "ends_on") -> None:
    if start is not None and end is not None and end < start:
        raise FormulationError(
            f"The end ({dates.day_short(end)}) is before the start ({dates.day_short(start)}). "
            "Check the dates: nothing was saved.",
            field=field,
        )


def _own_person(course: Course, person: InventoryPerson | None, field: str) -> None:
    if person is not None and person.course_id != course.pk:
        raise FormulationError("Choose someone from this course's inventory.", field=field)


# --- Inventory ---------------------------------------------------------------------------


@transaction.atomic
def person_create(*, actor: Actor, course: Course, **fields: Any) -> InventoryPerson:
    _check_fields(fields, PERSON_FIELDS)
    return _create(actor, course, InventoryPerson, fields)


@transaction.atomic
def person_update(
    *, actor: Actor, person: InventoryPerson, version: int | None, **fields: Any
) -> InventoryPerson:
    _check_fields(fields, PERSON_FIELDS)
    if person.archived_at is not None:
        raise FormulationError("This person is archived: restore them before editing.")
    return _save_edit(actor, InventoryPerson, person, version, fields)


@transaction.atomic
def person_archive(*, actor: Actor, person: InventoryPerson) -> InventoryPerson:
    """Take someone out of the inventory. Kept, with their links to events and snapshots."""
    return _set_archived(actor, InventoryPerson, person, archived=True)


@transaction.atomic
def person_restore(*, actor: Actor, person: InventoryPerson) -> InventoryPerson:
    return _set_archived(actor, InventoryPerson, person, archived=False)


@transaction.atomic
def snapshot_take(
    *, actor: Actor, course: Course, kind: str, taken_on: date | None = None
) -> InventorySnapshot:
    """Copy the current inventory, so later edits do not change what it was then."""
    if kind not in InventorySnapshot.Kind.values:
        raise FormulationError("Choose when this snapshot is taken.", field="kind")
    taken_on = taken_on or timezone.localdate()
    _check_not_future(taken_on, "taken_on", "A snapshot's date")
    people = InventoryPerson.objects.filter(course=course, archived_at__isnull=True).order_by(
        "ring", "name", "pk"
    )
    if not people:
        raise FormulationError("The inventory is empty: add the people first.", field="kind")
    snapshot = InventorySnapshot.objects.create(
        clinic_id=course.clinic_id,
        course=course,
        kind=kind,
        taken_on=taken_on,
        taken_by=actor.person,
        people=[p.as_snapshot() for p in people],
    )
    _audit(actor, "create", course, snapshot, f"{kind}: {len(snapshot.people)} people")
    return snapshot


# --- Timeline ----------------------------------------------------------------------------


def _check_event(course: Course, event: LifeEvent, people: Iterable[InventoryPerson]) -> None:
    if event.code not in EVENT_TYPES:
        raise FormulationError("Choose an event from the list.", field="code")
    _check_order(event.starts_on, event.ends_on)
    for person in people:
        _own_person(course, person, "people")


@transaction.atomic
def event_create(
    *,
    actor: Actor,
    course: Course,
    code: str,
    starts_on: date,
    ends_on: date | None = None,
    title: str = "",
    notes: str = "",
    people: Iterable[InventoryPerson] = (),
) -> LifeEvent:
    people = list(people)
    event = LifeEvent(
        clinic_id=course.clinic_id,
        course=course,
        code=code,
        starts_on=starts_on,
        ends_on=ends_on,
        title=title,
        notes=notes,
    )
    _check_event(course, event, people)
    _validate(event, exclude=["clinic", "course"])
    event.save()
    event.people.set(people)
    _audit(actor, "create", course, event, event.code)
    return event


@transaction.atomic
def event_update(
    *,
    actor: Actor,
    event: LifeEvent,
    version: int | None,
    people: Iterable[InventoryPerson] | None = None,
    **fields: Any,
) -> LifeEvent:
    _check_fields(fields, ("code", "starts_on", "ends_on", "title", "notes"))
    course = event.course
    chosen = list(people) if people is not None else None
    locked = _lock(LifeEvent, event.pk)
    if version is not None and locked.version != version:
        raise StaleVersionError
    changed = _changed(locked, fields)
    _check_event(course, locked, chosen or [])
    _validate(locked)
    if chosen is not None and {p.pk for p in chosen} != set(
        locked.people.values_list("pk", flat=True)
    ):
        locked.people.set(chosen)
        changed.append("people")
    if changed:
        locked.version += 1
        locked.save()
        _audit(actor, "update", course, locked, "changed: " + ", ".join(changed))
    return locked


@transaction.atomic
def event_archive(*, actor: Actor, event: LifeEvent) -> LifeEvent:
    return _set_archived(actor, LifeEvent, event, archived=True)


@transaction.atomic
def event_restore(*, actor: Actor, event: LifeEvent) -> LifeEvent:
    return _set_archived(actor, LifeEvent, event, archived=False)


def _check_episode(episode: Episode) -> None:
    _check_not_future(episode.starts_on, "starts_on", "The onset")
    _check_order(episode.starts_on, episode.ends_on)


def _only_current(episode: Episode) -> None:
    # One current episode per course: its start is the onset the formulation uses.
    if episode.is_current:
        Episode.objects.filter(course_id=episode.course_id, is_current=True).exclude(
            pk=episode.pk
        ).update(is_current=False)


@transaction.atomic
def episode_create(
    *,
    actor: Actor,
    course: Course,
    starts_on: date,
    ends_on: date | None = None,
    is_current: bool = False,
    notes: str = "",
) -> Episode:
    episode = Episode(
        clinic_id=course.clinic_id,
        course=course,
        starts_on=starts_on,
        ends_on=ends_on,
        is_current=is_current,
        notes=notes,
    )
    _check_episode(episode)
    _validate(episode, exclude=["clinic", "course"])
    episode.save()
    _only_current(episode)
    _audit(actor, "create", course, episode, "current episode" if is_current else "")
    return episode


@transaction.atomic
def episode_update(
    *, actor: Actor, episode: Episode, version: int | None, **fields: Any
) -> Episode:
    _check_fields(fields, ("starts_on", "ends_on", "is_current", "notes"))
    saved = _save_edit(actor, Episode, episode, version, fields, check=_check_episode)
    _only_current(saved)
    return saved


@transaction.atomic
def episode_archive(*, actor: Actor, episode: Episode) -> Episode:
    return _set_archived(actor, Episode, episode, archived=True, is_current=False)


@transaction.atomic
def episode_restore(*, actor: Actor, episode: Episode) -> Episode:
    """Back on the timeline as an earlier episode: which one is current stays as it is
    (mark it current from its page)."""
    return _set_archived(actor, Episode, episode, archived=False)


# --- Focus areas and formulation -----------------------------------------------------------


@transaction.atomic
def focus_area_choose(
    *, actor: Actor, course: Course, area: str, evidence: str, goals: str
) -> FocusAreaChoice:
    if area not in {a.value for a in FocusArea}:
        raise FormulationError("Choose one of the four focus areas.", field="area")
    # Lock the course row so two tabs cannot each add a "second" area at once.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    chosen = list(
        FocusAreaChoice.objects.filter(course=course, archived_at__isnull=True).values_list(
            "area", flat=True
        )
    )
    label = focus_area_label(area, course.clinic)
    if area in chosen:
        raise FormulationError(f"{label} is already a focus area of this course.", field="area")
    if len(chosen) >= MAX_FOCUS_AREAS:
        raise FormulationError(
            "IPT works on one or two focus areas at most, and this course has two already. "
            "Remove one first if the focus has changed.",
            field="area",
        )
    fields = {"area": area, "evidence": evidence, "goals": goals}
    return _create(actor, course, FocusAreaChoice, fields, detail=area)


@transaction.atomic
def focus_area_update(
    *, actor: Actor, choice: FocusAreaChoice, version: int | None, evidence: str, goals: str
) -> FocusAreaChoice:
    if choice.archived_at is not None:
        raise FormulationError("This focus area was removed from the course.")
    return _save_edit(
        actor, FocusAreaChoice, choice, version, {"evidence": evidence, "goals": goals}
    )


@transaction.atomic
def focus_area_remove(*, actor: Actor, choice: FocusAreaChoice) -> FocusAreaChoice:
    """Take a focus area off the course; the record and its workspace are kept."""
    # The area is fixed once chosen, so the caller's copy names it as the locked row does.
    return _set_archived(actor, FocusAreaChoice, choice, archived=True, detail=choice.area)


def _check_formulation(formulation: Formulation) -> None:
    _check_not_future(formulation.agreed_on, "agreed_on", "The date the client agreed")
    _check_not_future(formulation.contract_agreed_on, "contract_agreed_on", "The contract date")
    if formulation.agreed_on and not formulation.text.strip():
        raise FormulationError("Write the formulation the client agreed to.", field="text")
    course = formulation.course
    if formulation.agreed_on and formulation.agreed_on < course.start_date:
        raise FormulationError(
            f"The course started on {dates.day_short(course.start_date)}: the client cannot have "
            "agreed before that.",
            field="agreed_on",
        )
    if formulation.contract_agreed_on and not (
        formulation.contract_sessions and formulation.contract_frequency
    ):
        raise FormulationError(
            "A contract states the number of sessions and how often they are.",
            field="contract_sessions"
            if not formulation.contract_sessions
            else "contract_frequency",
        )
    planned = course.planned_sessions
    if formulation.contract_sessions and planned and formulation.contract_sessions > planned:
        raise FormulationError(
            f"The course is planned for {planned} sessions. Extend the course first (with a "
            "reason) if more are agreed.",
            field="contract_sessions",
        )


@transaction.atomic
def formulation_save(
    *, actor: Actor, course: Course, version: int | None, **fields: Any
) -> Formulation:
    """Create or update the course's formulation and contract."""
    _check_fields(fields, FORMULATION_FIELDS)
    return _save_course_record(
        actor, course, Formulation, version, fields, check=_check_formulation
    )


# --- Focus-area workspaces -----------------------------------------------------------------


def workspace_fields(area: FocusArea) -> list[str]:
    model = WORKSPACE_MODELS[area]
    return [
        f.name
        for f in model._meta.get_fields()
        if f.concrete and not f.auto_created and f.name not in WORKSPACE_EXCLUDED
    ]


@transaction.atomic
def workspace_save(
    *,
    actor: Actor,
    course: Course,
    area: FocusArea,
    version: int | None,
    session_number: int | None = None,
    **fields: Any,
) -> models.Model:
    """Save a focus area's workspace; the session it was worked on is remembered."""
    _check_fields(fields, workspace_fields(area))
    _check_session(course, session_number, "session_number")
    for name in ("lost_person", "other_person"):
        _own_person(course, fields.get(name), name)
    if area is FocusArea.GRIEF:
        _check_not_future(fields.get("lost_on"), "lost_on", "The date of the loss")
    work = _save_course_record(actor, course, WORKSPACE_MODELS[area], version, fields)
    if session_number is not None:
        WorkspaceSession.objects.get_or_create(
            course=course, area=area.value, session_number=session_number
        )
    return work


@transaction.atomic
def dispute_stage_change(
    *, actor: Actor, course: Course, stage: str, changed_on: date, note: str = ""
) -> DisputeStageChange:
    """Move the dispute to a stage; every change is kept with its date (§0)."""
    if stage not in RoleDisputeWork.Stage.values:
        raise FormulationError("Choose renegotiation, impasse or dissolution.", field="stage")
    _check_not_future(changed_on, "changed_on", "The date of the change")
    work = RoleDisputeWork.objects.select_for_update().filter(course=course).first()
    if work is None:
        work = RoleDisputeWork.objects.create(clinic_id=course.clinic_id, course=course)
        _audit(actor, "create", course, work)
    last = work.stages.order_by("-changed_on", "-pk").first()
    if last is not None and changed_on < last.changed_on:
        raise FormulationError(
            f"The last change was on {dates.day_short(last.changed_on)}; a new stage cannot start "
            "before it.",
            field="changed_on",
        )
    if last is not None and last.stage == stage:
        raise FormulationError(
            f"The dispute is already at {work.get_stage_display().lower()}.", field="stage"
        )
    change = DisputeStageChange.objects.create(
        work=work, stage=stage, changed_on=changed_on, note=note, by=actor.person
    )
    work.stage = stage
    work.version += 1
    work.save(update_fields=["stage", "version", "updated_at"])
    _audit(actor, "update", course, work, f"stage: {stage} from {changed_on:%Y-%m-%d}")
    return change


# --- Communication analysis, role-play, homework -------------------------------------------


def _clean_turns(turns: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    for turn in turns:
        _check_fields(turn, TURN_FIELDS)
        row = {name: str(turn.get(name, "") or "").strip() for name in TURN_FIELDS}
        if any(row.values()):
            if not row["speaker"] or not row["said"]:
                raise FormulationError(
                    f"Turn {len(cleaned) + 1}: say who spoke and what they said or did.",
                    field="turns",
                )
            cleaned.append(row)
    return cleaned


def _check_analysis(analysis: CommunicationAnalysis) -> None:
    _check_session(analysis.course, analysis.session_number, "session_number")
    _own_person(analysis.course, analysis.with_person, "with_person")
    _check_not_future(analysis.happened_on, "happened_on", "The date of the interaction")
    unknown = set(analysis.problems) - set(CommunicationAnalysis.Problem.values)
    if unknown:
        raise FormulationError("Choose problems from the list.", field="problems")


@transaction.atomic
def analysis_create(
    *, actor: Actor, course: Course, turns: Iterable[Mapping[str, Any]] = (), **fields: Any
) -> CommunicationAnalysis:
    _check_fields(fields, ANALYSIS_FIELDS)
    fields = {"turns": _clean_turns(turns), **fields}
    return _create(actor, course, CommunicationAnalysis, fields, check=_check_analysis)


@transaction.atomic
def analysis_update(
    *,
    actor: Actor,
    analysis: CommunicationAnalysis,
    version: int | None,
    turns: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> CommunicationAnalysis:
    _check_fields(fields, ANALYSIS_FIELDS)
    if turns is not None:
        fields["turns"] = _clean_turns(turns)
    return _save_edit(
        actor, CommunicationAnalysis, analysis, version, fields, check=_check_analysis
    )


@transaction.atomic
def analysis_to_roleplay(
    *, actor: Actor, analysis: CommunicationAnalysis, session_number: int | None = None
) -> RolePlay:
    """Turn an analysis's plan into a role-play to rehearse it."""
    course = analysis.course
    _check_session(course, session_number, "session_number")
    other = analysis.with_person
    scene = analysis.title + (f"\n{analysis.context}" if analysis.context else "")
    roleplay = RolePlay.objects.create(
        clinic_id=course.clinic_id,
        course=course,
        session_number=session_number or analysis.session_number,
        analysis=analysis,
        scene=scene,
        therapist_plays=f"{other.name} ({other.relation})" if other else "",
        client_wants_to_say=analysis.alternatives,
        try_in_life=analysis.plan,
    )
    _audit(actor, "create", course, roleplay, f"from analysis {analysis.pk}")
    return roleplay


def _check_roleplay(roleplay: RolePlay) -> None:
    _check_session(roleplay.course, roleplay.session_number, "session_number")


@transaction.atomic
def roleplay_create(*, actor: Actor, course: Course, **fields: Any) -> RolePlay:
    _check_fields(fields, ROLEPLAY_FIELDS)
    return _create(actor, course, RolePlay, fields, check=_check_roleplay)


@transaction.atomic
def roleplay_update(
    *, actor: Actor, roleplay: RolePlay, version: int | None, **fields: Any
) -> RolePlay:
    _check_fields(fields, ROLEPLAY_FIELDS)
    return _save_edit(actor, RolePlay, roleplay, version, fields, check=_check_roleplay)


def _check_homework(task: HomeworkTask) -> None:
    _check_session(task.course, task.set_at_session, "set_at_session")
    _check_session(task.course, task.due_session, "due_session")
    if task.due_session is not None and task.due_session <= task.set_at_session:
        raise FormulationError(
            f"A task set at session {task.set_at_session} is due at a later session.",
            field="due_session",
        )


@transaction.atomic
def homework_create(*, actor: Actor, course: Course, **fields: Any) -> HomeworkTask:
    _check_fields(fields, HOMEWORK_FIELDS)
    return _create(actor, course, HomeworkTask, fields, check=_check_homework)


@transaction.atomic
def homework_update(
    *, actor: Actor, homework: HomeworkTask, version: int | None, **fields: Any
) -> HomeworkTask:
    _check_fields(fields, HOMEWORK_FIELDS)
    return _save_edit(actor, HomeworkTask, homework, version, fields, check=_check_homework)


@transaction.atomic
def homework_report(
    *, actor: Actor, homework: HomeworkTask, what_happened: str, how_i_felt: str = ""
) -> HomeworkPracticeLog:
    """A client's own report on trying a task, from the portal."""
    client = homework.course.client
    user = actor.user
    if user is None or client.user_id != user.pk:
        raise FormulationError("Only the client can report on their own tasks.")
    if not homework.visible_to_client or homework.status == HomeworkTask.Status.DROPPED:
        raise FormulationError("This task is not open for reports.")
    what_happened = what_happened.strip()
    if len(what_happened) < 3:
        raise FormulationError("Say in a few words what happened.", field="what_happened")
    if len(what_happened) > 4000 or len(how_i_felt) > 4000:
        raise FormulationError("Please keep it under 4,000 characters.", field="what_happened")
    entry = HomeworkPracticeLog.objects.create(
        task=homework, by=user, what_happened=what_happened, how_i_felt=how_i_felt.strip()
    )
    access_record(actor=actor, action="create", client=client, target=entry)
    return entry


# --- Termination -------------------------------------------------------------------------


def _check_termination(record: TerminationRecord) -> None:
    _check_not_future(record.completed_on, "completed_on", "The completion date")
    if record.completed_on and record.completed_on < record.course.start_date:
        raise FormulationError("The course cannot end before it started.", field="completed_on")
    if record.completed_on and not record.recommendation:
        raise FormulationError(
            "Choose a recommendation before marking the record complete.",
            field="recommendation",
        )


@transaction.atomic
def termination_save(
    *, actor: Actor, course: Course, version: int | None, **fields: Any
) -> TerminationRecord:
    _check_fields(fields, TERMINATION_FIELDS)
    return _save_course_record(
        actor, course, TerminationRecord, version, fields, check=_check_termination
    )
