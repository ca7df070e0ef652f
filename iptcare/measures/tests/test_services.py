from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.measures.models import (
    FlagAction,
    ItemAnswer,
    NeverDeletedError,
    QuestionnaireResponse,
    RiskFlag,
)
from iptcare.measures.scoring import ScoringError
from iptcare.measures.selectors import open_flag_counts, score_points, symptom_measure_course_ids
from iptcare.measures.services import (
    MeasureError,
    clinic_instrument_set,
    flag_resolve,
    flags_escalate_overdue,
    response_submit,
)
from tests.factories import (
    adolescent,
    days_ago,
    idempotency_key,
    open_course,
    phq9_answers,
    submit,
)


def test_every_answer_is_stored_item_by_item_with_its_score(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    response = submit(course, "phq9", [3, 2, 1, 0, None, 1, 2, 3, 0], extras={"difficulty": 2})
    answers = list(
        ItemAnswer.objects.filter(response=response).values_list("item_number", "position", "score")
    )
    assert answers == [
        (1, 3, 3),
        (2, 2, 2),
        (3, 1, 1),
        (4, 0, 0),
        (5, None, None),
        (6, 1, 1),
        (7, 2, 2),
        (8, 3, 3),
        (9, 0, 0),
    ]
    assert response.total == 14 and response.prorated and response.severity == "moderate"
    assert response.extras == {"difficulty": 2}


def test_a_double_submission_is_stored_once(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    same = idempotency_key()
    kwargs = dict(
        actor=Actor(user=None, role="system"),
        course=course,
        code="gad7",
        answers=[1] * 7,
        session_number=2,
        idempotency_key=same,
    )
    first = response_submit(**kwargs)  # type: ignore[arg-type]  # the test feeds deliberately loose values
    second = response_submit(**kwargs)  # type: ignore[arg-type]  # the test feeds deliberately loose values
    assert first.pk == second.pk
    assert QuestionnaireResponse.objects.filter(idempotency_key=same).count() == 1
    assert ItemAnswer.objects.filter(response=first).count() == 7


@pytest.mark.parametrize(
    ("code", "answers", "message"),
    [
        ("phq9", [0] * 8, "9 items but 8"),
        ("phq9", [0] * 8 + [4], "out of range"),
        ("gad7", [0] * 6 + ["x"], "is not an answer"),
        ("phq9", [0] * 8 + ["na"], "not applicable"),
    ],
)
def test_impossible_answers_are_rejected_and_nothing_is_stored(
    cast: Cast, code: str, answers: list[object], message: str
) -> None:
    course = open_course(cast.clients["client"])
    before = (
        QuestionnaireResponse.objects.count(),
        ItemAnswer.objects.count(),
        AccessEntry.objects.count(),
    )
    with pytest.raises(ScoringError, match=message):
        submit(course, code, answers)
    assert (
        QuestionnaireResponse.objects.count(),
        ItemAnswer.objects.count(),
        AccessEntry.objects.count(),
    ) == before


def test_a_session_past_the_planned_length_is_refused(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    with pytest.raises(MeasureError, match="past the 16 planned"):
        submit(course, "gad7", [0] * 7, session_number=17)


def test_epds_is_refused_until_the_clinic_enables_it(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    from iptcare.measures.models import ClinicInstrument

    course = open_course(cast.clients["client"])
    with pytest.raises(MeasureError, match="not one of the questionnaires"):
        submit(course, "epds", [0] * 10)
    admin = Actor(user=cast.users["admin"], role="administrator")
    with django_capture_on_commit_callbacks(execute=True):
        clinic_instrument_set(actor=admin, clinic_id=cast.clinic.pk, code="epds", enabled=True)
    assert ClinicInstrument.objects.get(clinic=cast.clinic, code="epds").enabled
    # The top option scores 3 on every reversed item (3, 5-10), 0 on items 1, 2 and 4.
    response = submit(course, "epds", [0] * 10)
    assert (
        response.total == 21 and response.flag.reason == "EPDS: item 10 answered “Yes, quite often”"
    )


def test_a_risky_answer_raises_a_flag_even_when_the_questionnaire_is_incomplete(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    response = submit(course, "phq9", [None, None, None, 1, 1, 1, 1, 1, 1])
    assert not response.complete and response.total is None
    flag = RiskFlag.objects.get(response=response)
    assert flag.is_open and flag.course == course
    assert "item 9 answered “Several days”" in flag.reason
    assert open_flag_counts([course.pk]) == {course.pk: 1}


def test_phqa_yes_to_a_suicide_question_raises_a_flag(cast: Cast) -> None:
    teen = adolescent(cast.clinic, therapists=[cast.users["therapist"]])
    course = open_course(teen, protocol="ipt_a", planned=12)
    response = submit(
        course, "phqa", [0] * 9, extras={"attempt_ever": True, "suicide_month": False}
    )
    assert RiskFlag.objects.get(response=response).reason.endswith("“yes” to attempt ever")


def test_no_flag_without_a_risky_answer(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    submit(course, "phq9", [3] * 8 + [0])
    assert not RiskFlag.objects.filter(course=course).exists()


def test_closing_a_flag_needs_an_action_and_other_needs_words(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    flag = submit(course, "phq9", [0] * 8 + [2]).flag
    therapist = Actor(user=cast.users["therapist"], role="therapist")
    with pytest.raises(MeasureError, match="Choose what was done"):
        flag_resolve(actor=therapist, flag=flag, action="", note="")
    with pytest.raises(MeasureError, match="Say what was done"):
        flag_resolve(actor=therapist, flag=flag, action="other", note="")
    flag.refresh_from_db()
    assert flag.is_open and not FlagAction.objects.filter(flag=flag).exists()
    flag_resolve(actor=therapist, flag=flag, action="safety_plan", note="Reviewed the plan.")
    flag.refresh_from_db()
    assert flag.status == "closed" and flag.actions.get().by == cast.users["therapist"]
    with pytest.raises(MeasureError, match="already been closed"):
        flag_resolve(actor=therapist, flag=flag, action="contacted")


def test_flags_and_answers_are_never_deleted(cast: Cast) -> None:
    flag = submit(open_course(cast.clients["client"]), "phq9", [0] * 8 + [1]).flag
    with pytest.raises(NeverDeletedError):
        flag.delete()
    with pytest.raises(NeverDeletedError):
        RiskFlag.objects.all().delete()
    with pytest.raises(NeverDeletedError):
        QuestionnaireResponse.objects.filter(flag=flag).delete()


def test_a_flag_open_24_hours_is_escalated_once_to_the_supervisor(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    course = open_course(cast.clients["student_client"])
    flag = submit(course, "phq9", [0] * 8 + [1]).flag
    RiskFlag.objects.filter(pk=flag.pk).update(raised_at=days_ago(1) + timedelta(minutes=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert flags_escalate_overdue() == 0
    RiskFlag.objects.filter(pk=flag.pk).update(raised_at=days_ago(1) - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert flags_escalate_overdue() == 1
        assert flags_escalate_overdue() == 0
    flag.refresh_from_db()
    assert flag.escalated_to == cast.users["supervisor"] and flag.escalated_to_role == "supervisor"
    escalations = [m for m in mail.outbox if "24 hours" in m.subject]
    assert [m.to for m in escalations] == [[cast.users["supervisor"].email]]
    client = cast.clients["student_client"]
    for name in (client.legal_name, client.first_name):  # the email names nobody
        assert name not in escalations[0].body


def test_a_flag_without_a_supervisor_goes_to_the_clinic_administrators(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    course = open_course(cast.clients["client"])
    flag = submit(course, "phq9", [0] * 8 + [3]).flag
    RiskFlag.objects.filter(pk=flag.pk).update(raised_at=days_ago(2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert flags_escalate_overdue() == 1
    flag.refresh_from_db()
    assert flag.escalated_to is None and flag.escalated_to_role == "administrators"
    assert mail.outbox[0].to == [cast.users["admin"].email]


def test_a_closed_flag_is_never_escalated(cast: Cast) -> None:
    flag = submit(open_course(cast.clients["client"]), "phq9", [0] * 8 + [1]).flag
    flag_resolve(
        actor=Actor(user=cast.users["therapist"], role="therapist"), flag=flag, action="contacted"
    )
    RiskFlag.objects.filter(pk=flag.pk).update(raised_at=days_ago(3))
    assert flags_escalate_overdue() == 0


def test_the_shared_selectors_report_scores_and_courses(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    other = open_course(cast.clients["student_client"])
    submit(course, "phq9", phq9_answers(18), at=days_ago(14))
    submit(course, "phq9", phq9_answers(12), at=days_ago(7), session_number=2)
    submit(course, "wsas", [2] * 5)
    points = score_points(course, "phq9")
    assert [total for _, total in points] == [18, 12]
    assert points[0][0] < points[1][0]
    assert course.pk in symptom_measure_course_ids([course.pk, other.pk])


def test_the_escalation_command_and_schedule_exist(cast: Cast) -> None:
    from django.core.management import call_command
    from django_q.models import Schedule

    from iptcare.measures.tasks import SCHEDULE_NAME, ensure_schedules

    ensure_schedules()
    ensure_schedules()
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert schedule.minutes == 15 and schedule.func.endswith("escalate_overdue_flags")
    call_command("escalate_flags")
