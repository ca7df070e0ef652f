"""The formulation services: rules, nothing saved on bad input, archive not delete, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.clinic.services import clinic_update
from iptcare.courses.models import Course
from iptcare.formulation import selectors, services
from iptcare.formulation.catalogue import FocusArea
from iptcare.formulation.models import (
    DisputeStageChange,
    FocusAreaChoice,
    HomeworkPracticeLog,
    HomeworkTask,
    InventoryPerson,
    InventorySnapshot,
    LifeEvent,
    RoleDisputeWork,
)
from iptcare.formulation.services import FormulationError, StaleVersionError
from tests import factories
from tests.factories import WorkedCourse


@pytest.fixture
def actor(cast: Cast) -> Actor:
    return Actor(user=cast.users["therapist"], role="therapist")


def _entries(action: str, model: str) -> int:
    return AccessEntry.objects.filter(action=action, object_type=f"formulation.{model}").count()


def test_adding_a_person_saves_them_and_logs_the_write(course: Course, actor: Actor) -> None:
    before = _entries("create", "inventoryperson")
    person = services.person_create(
        actor=actor, course=course, name="Ivy", relation="neighbour", ring=3, conflict=1
    )
    assert person.clinic_id == course.clinic_id
    assert _entries("create", "inventoryperson") == before + 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ring": 4}, "ring"),
        ({"conflict": 5}, "conflict"),
        ({"practical_support": -1}, "practical_support"),
        ({"name": ""}, "name"),
        ({"status": "lost"}, "status"),
    ],
)
def test_a_person_with_a_bad_value_is_refused_naming_the_field(
    course: Course, actor: Actor, fields: dict[str, object], field: str
) -> None:
    count = InventoryPerson.objects.count()
    data = {"name": "Ivy", "relation": "neighbour", **fields}
    with pytest.raises(FormulationError) as refused:
        services.person_create(actor=actor, course=course, **data)
    assert refused.value.field == field
    assert InventoryPerson.objects.count() == count


def test_archiving_a_person_keeps_the_record(course: Course, actor: Actor) -> None:
    person = selectors.inventory_people(course).first()
    assert person is not None
    services.person_archive(actor=actor, person=person)
    assert InventoryPerson.objects.filter(pk=person.pk, archived_at__isnull=False).exists()
    assert person not in selectors.inventory_people(course)
    assert _entries("archive", "inventoryperson") >= 1
    services.person_restore(actor=actor, person=person)
    assert person in selectors.inventory_people(course)


def test_a_stale_version_changes_nothing(course: Course, actor: Actor) -> None:
    person = selectors.inventory_people(course).first()
    assert person is not None
    opened = person.version
    services.person_update(actor=actor, person=person, version=opened, contact_frequency="Daily")
    with pytest.raises(StaleVersionError):
        services.person_update(
            actor=actor, person=person, version=opened, contact_frequency="Never"
        )
    person.refresh_from_db()
    assert person.contact_frequency == "Daily"


def test_a_snapshot_is_a_copy_that_later_edits_do_not_change(course: Course, actor: Actor) -> None:
    person = selectors.inventory_people(course).first()
    assert person is not None
    then = person.conflict
    snapshot = services.snapshot_take(actor=actor, course=course, kind="termination")
    services.person_update(actor=actor, person=person, version=None, conflict=(then + 1) % 4)
    snapshot.refresh_from_db()
    stored = next(p for p in snapshot.people if p["id"] == person.pk)
    assert stored["conflict"] == then
    assert len(snapshot.people) == selectors.inventory_people(course).count()
    assert selectors.latest_snapshots(course)["termination"] == snapshot


def test_a_snapshot_of_an_empty_inventory_is_refused(cast: Cast, actor: Actor) -> None:
    empty = Course.objects.create(
        clinic=cast.clinic,
        client=cast.clients["client"],
        therapist=cast.users["therapist"],
        start_date=timezone.localdate(),
        planned_sessions=16,
    )
    with pytest.raises(FormulationError):
        services.snapshot_take(actor=actor, course=empty, kind="initial")
    assert not InventorySnapshot.objects.filter(course=empty).exists()


def test_an_event_that_ends_before_it_starts_is_refused(course: Course, actor: Actor) -> None:
    count = LifeEvent.objects.count()
    with pytest.raises(FormulationError) as refused:
        services.event_create(
            actor=actor,
            course=course,
            code="illness_injury",
            starts_on=date(2024, 5, 1),
            ends_on=date(2024, 4, 1),
        )
    assert refused.value.field == "ends_on"
    assert "before the start" in str(refused.value)
    assert LifeEvent.objects.count() == count


def test_an_event_needs_a_catalogue_code(course: Course, actor: Actor) -> None:
    with pytest.raises(FormulationError) as refused:
        services.event_create(
            actor=actor, course=course, code="lottery", starts_on=date(2024, 1, 1)
        )
    assert refused.value.field == "code"


def test_an_event_cannot_name_someone_from_another_course(
    course: Course, student_course: Course, actor: Actor
) -> None:
    stranger = selectors.inventory_people(student_course).first()
    assert stranger is not None
    with pytest.raises(FormulationError):
        services.event_create(
            actor=actor, course=course, code="other", starts_on=date(2024, 1, 1), people=[stranger]
        )


def test_one_current_episode_gives_the_onset(course: Course, actor: Actor) -> None:
    services.episode_create(actor=actor, course=course, starts_on=date(2023, 1, 1), is_current=True)
    assert selectors.onset_for(course) == date(2023, 1, 1)
    assert sum(e.is_current for e in selectors.episodes(course)) == 1


def test_an_onset_in_the_future_is_refused(course: Course, actor: Actor) -> None:
    with pytest.raises(FormulationError) as refused:
        services.episode_create(
            actor=actor, course=course, starts_on=timezone.localdate() + timedelta(days=3)
        )
    assert refused.value.field == "starts_on"


def test_a_third_focus_area_is_refused_and_nothing_is_saved(course: Course, actor: Actor) -> None:
    assert len(selectors.focus_areas(course)) == 2
    with pytest.raises(FormulationError) as refused:
        services.focus_area_choose(
            actor=actor, course=course, area="grief", evidence="x", goals="y"
        )
    assert "two" in str(refused.value)
    assert len(selectors.focus_areas(course)) == 2


def test_removing_a_focus_area_archives_it_and_frees_a_place(course: Course, actor: Actor) -> None:
    first = selectors.focus_areas(course)[0]
    services.focus_area_remove(actor=actor, choice=first)
    assert FocusAreaChoice.objects.filter(pk=first.pk, archived_at__isnull=False).exists()
    services.focus_area_choose(actor=actor, course=course, area="grief", evidence="e", goals="g")
    assert {c.area for c in selectors.focus_areas(course)} >= {"grief"}


def test_the_same_focus_area_cannot_be_chosen_twice(cast: Cast, student_course: Course) -> None:
    student = Actor(user=cast.users["student"], role="therapist")
    with pytest.raises(FormulationError):
        services.focus_area_choose(
            actor=student,
            course=student_course,
            area="interpersonal_deficits",
            evidence="e",
            goals="g",
        )


def test_the_formulation_cannot_be_agreed_before_the_course_began(
    course: Course, actor: Actor
) -> None:
    formulation = selectors.formulation_for(course)
    assert formulation is not None
    with pytest.raises(FormulationError) as refused:
        services.formulation_save(
            actor=actor,
            course=course,
            version=formulation.version,
            agreed_on=course.start_date - timedelta(days=1),
        )
    assert refused.value.field == "agreed_on"
    formulation.refresh_from_db()
    assert formulation.agreed_on is not None and formulation.agreed_on >= course.start_date


def test_a_contract_longer_than_the_planned_course_is_refused(course: Course, actor: Actor) -> None:
    with pytest.raises(FormulationError) as refused:
        services.formulation_save(actor=actor, course=course, version=None, contract_sessions=40)
    assert refused.value.field == "contract_sessions"


def test_each_dispute_stage_change_is_kept_with_its_date(course: Course, actor: Actor) -> None:
    work = RoleDisputeWork.objects.get(course=course)
    before = work.stages.count()
    services.dispute_stage_change(
        actor=actor, course=course, stage="dissolution", changed_on=timezone.localdate()
    )
    work.refresh_from_db()
    assert work.stage == "dissolution"
    assert work.stages.count() == before + 1


def test_a_stage_change_dated_before_the_last_one_is_refused(course: Course, actor: Actor) -> None:
    count = DisputeStageChange.objects.count()
    with pytest.raises(FormulationError) as refused:
        services.dispute_stage_change(
            actor=actor, course=course, stage="impasse", changed_on=course.start_date
        )
    assert refused.value.field == "changed_on"
    assert DisputeStageChange.objects.count() == count


def test_workspace_work_is_linked_to_its_session(course: Course, actor: Actor) -> None:
    services.workspace_save(
        actor=actor,
        course=course,
        area=FocusArea.ROLE_TRANSITION,
        version=None,
        session_number=9,
        feelings="Proud and homesick",
    )
    labels = [label for label, _ in selectors.session_records(course, 9)]
    assert "Role transition work" in labels


def test_a_session_past_the_planned_length_is_refused(course: Course, actor: Actor) -> None:
    with pytest.raises(FormulationError) as refused:
        services.homework_create(
            actor=actor, course=course, text="Walk", set_at_session=17, visible_to_client=True
        )
    assert refused.value.field == "set_at_session"
    assert "planned" in str(refused.value)


def test_homework_due_before_it_is_set_is_refused(course: Course, actor: Actor) -> None:
    with pytest.raises(FormulationError) as refused:
        services.homework_create(
            actor=actor, course=course, text="Walk", set_at_session=5, due_session=4
        )
    assert refused.value.field == "due_session"


def test_an_analysis_turn_needs_a_speaker_and_words(course: Course, actor: Actor) -> None:
    with pytest.raises(FormulationError) as refused:
        services.analysis_create(
            actor=actor, course=course, title="Call", turns=[{"tone": "sharp"}]
        )
    assert refused.value.field == "turns"


def test_an_analysis_becomes_a_role_play_in_one_step(course: Course, actor: Actor) -> None:
    analysis = selectors.analyses(course).filter(with_person__isnull=False).first()
    assert analysis is not None
    roleplay = services.analysis_to_roleplay(actor=actor, analysis=analysis, session_number=9)
    assert roleplay.analysis == analysis
    assert analysis.with_person is not None
    assert analysis.with_person.name in roleplay.therapist_plays
    assert roleplay.client_wants_to_say == analysis.alternatives


def test_the_client_reports_on_their_own_homework(cast: Cast, course: Course) -> None:
    task = HomeworkTask.objects.filter(course=course, status="open").first()
    assert task is not None
    client = Actor(user=cast.users["client"], role="client")
    entry = services.homework_report(
        actor=client, homework=task, what_happened="Called Mum.", how_i_felt="Nervous"
    )
    assert entry.task == task
    assert _entries("create", "homeworkpracticelog") >= 1
    assert task in selectors.homework_for_client(cast.clients["client"])


def test_nobody_else_can_report_on_a_clients_homework(cast: Cast, course: Course) -> None:
    task = HomeworkTask.objects.filter(course=course).first()
    assert task is not None
    count = HomeworkPracticeLog.objects.count()
    for role in ("client2", "therapist"):
        with pytest.raises(FormulationError):
            services.homework_report(
                actor=Actor(user=cast.users[role], role="x"), homework=task, what_happened="Hi"
            )
    assert HomeworkPracticeLog.objects.count() == count


def test_hidden_homework_is_not_shown_to_the_client(
    cast: Cast, course: Course, actor: Actor
) -> None:
    task = services.homework_create(
        actor=actor, course=course, text="Private", set_at_session=8, visible_to_client=False
    )
    assert task not in selectors.homework_for_client(cast.clients["client"])


def test_a_completed_termination_record_needs_a_recommendation(
    course: Course, actor: Actor
) -> None:
    with pytest.raises(FormulationError) as refused:
        services.termination_save(
            actor=actor, course=course, version=None, completed_on=timezone.localdate()
        )
    assert refused.value.field == "recommendation"
    assert selectors.termination_for(course) is None


def test_summaries_cover_every_course_asked_for(
    cast: Cast, worked: WorkedCourse, student_course: Course
) -> None:
    # The clinic's own name for the fourth focus area is the one shown.
    clinic_update(
        actor=Actor(user=cast.users["admin"], role="administrator"),
        clinic=cast.clinic,
        fourth_focus_area_label="Interpersonal sensitivity",
    )
    course = worked.course
    summaries = selectors.formulation_summaries([course.pk, student_course.pk, 999_999])
    assert summaries[course.pk].inventory_people == len(worked.people)
    assert [code for code, _ in summaries[course.pk].focus_areas] == [
        "role_transition",
        "role_dispute",
    ]
    assert summaries[student_course.pk].focus_areas == [
        ("interpersonal_deficits", "Interpersonal sensitivity")
    ]
    assert summaries[course.pk].contract_agreed
    assert not summaries[student_course.pk].contract_agreed
    assert summaries[999_999].inventory_people == 0


def test_summaries_take_the_same_queries_for_one_course_or_many(
    cast: Cast, course: Course, student_course: Course, django_assert_max_num_queries: object
) -> None:
    ids = list(Course.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(3):  # type: ignore[operator]  # pytest-django's fixture is untyped
        selectors.formulation_summaries(ids)


def test_the_suggestion_reads_the_course_records(cast: Cast) -> None:
    # Long-standing loneliness, few and distant people, no event near the onset.
    lonely = factories.client(
        cast.clinic,
        therapists=[cast.users["student"]],
        presenting_concerns="Lonely since university; few close friends, long-standing.",
    )
    course = factories.open_course(lonely, weeks_ago=3)
    factories.person(course, "Moe Mother", relation="mother", ring=1, practical_support=3)
    factories.person(course, "Una University", relation="university friend", confidant=True)
    factories.person(course, "Cole Coworker", relation="coworker", ring=3)
    factories.person(course, "Fay Former", relation="former friend", ring=3, status="ended")
    factories.episode(course, starts_on=course.start_date - timedelta(days=1500))
    best = selectors.focus_suggestions(course)[0]
    assert best.area == "interpersonal_deficits"
    assert best.reasons


def test_life_events_for_the_chart_are_dated_and_short(course: Course) -> None:
    events = selectors.life_events_for_chart(course)
    assert events == sorted(events, key=lambda e: e[0])
    assert all(len(label) <= 40 for _, label in events)
