"""One response per questionnaire and session: the same questionnaire sent from two of a
client's sessions (two tabs, a phone and a laptop) is stored once, with one risk flag.
The database's constraint decides, so even two requests at the same instant store one."""

from __future__ import annotations

import threading
import uuid
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from conftest import Cast, ensure_cast
from iptcare.audit.services import Actor
from iptcare.courses.models import Course
from iptcare.measures.models import QuestionnaireResponse, RiskFlag
from iptcare.measures.services import response_submit
from tests.factories import open_course, phq9_answers

SYSTEM = Actor(user=None, role="system")
RISKY = phq9_answers(14, item9=2)


def _send(
    course: Course, *, session_number: int = 3, answers: list[int] = RISKY
) -> QuestionnaireResponse:
    return response_submit(
        actor=SYSTEM,
        course=course,
        code="phq9",
        answers=answers,
        session_number=session_number,
        idempotency_key=uuid.uuid4().hex,  # a second tab has its own key
        administered="portal",
    )


def test_a_second_send_for_the_same_session_is_answered_with_the_first(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    first = _send(course)
    second = _send(course, answers=phq9_answers(3))
    assert second.pk == first.pk and second.total == first.total
    assert QuestionnaireResponse.objects.filter(course=course, code="phq9").count() == 1
    assert RiskFlag.objects.filter(course=course).count() == 1


def test_another_session_or_questionnaire_is_stored_as_usual(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    _send(course, session_number=3)
    _send(course, session_number=4)
    response_submit(
        actor=SYSTEM,
        course=course,
        code="gad7",
        answers=[1] * 7,
        session_number=3,
        idempotency_key=uuid.uuid4().hex,
    )
    assert QuestionnaireResponse.objects.filter(course=course).count() == 3


def test_the_database_refuses_a_second_response_for_a_session(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    first = _send(course)
    copy = {
        f.attname: getattr(first, f.attname)
        for f in QuestionnaireResponse._meta.concrete_fields
        if not f.primary_key
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireResponse.objects.create(**copy | {"idempotency_key": uuid.uuid4().hex})


# --- existing duplicates: marked, never deleted -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_earlier_duplicates_and_deletes_nothing() -> None:
    """Rows a past race left behind: the first stays the session's response, the others
    are kept and point to it, so the constraint can hold without losing an answer."""
    course = open_course(ensure_cast().clients["client"])
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("measures", "0001_initial")])
        old = executor.loader.project_state([("measures", "0001_initial")]).apps
        response = old.get_model("measures", "QuestionnaireResponse")
        fields = dict(
            clinic_id=course.clinic_id,
            course_id=course.pk,
            client_id=course.client_id,
            code="phq9",
            administered="portal",
            complete=True,
            total=14,
        )
        rows = [
            response.objects.create(**fields, session_number=n, idempotency_key=uuid.uuid4().hex)
            for n in (3, 3, 4, 3)
        ]
        executor = MigrationExecutor(connection)
        executor.migrate([("measures", "0002_one_response_per_session")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    stored = QuestionnaireResponse.objects.filter(course=course).order_by("pk")
    assert [r.pk for r in stored] == [r.pk for r in rows]
    assert [r.duplicate_of_id for r in stored] == [None, rows[0].pk, None, rows[0].pk]


def test_marking_duplicates_again_changes_nothing(cast: Cast) -> None:
    migration = import_module("iptcare.measures.migrations.0002_one_response_per_session")
    course = open_course(cast.clients["client"])
    _send(course)
    _send(course, session_number=4)
    migration.mark_duplicates(django_apps, None)
    assert not QuestionnaireResponse.objects.filter(
        course=course, duplicate_of__isnull=False
    ).exists()


# --- the race itself (PostgreSQL: real concurrency) ---------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers (BEGIN IMMEDIATE), so two sends "
    "never overlap there; the sequential test above covers SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_ten_sends_at_the_same_instant_store_one_response_and_one_flag() -> None:
    course = open_course(ensure_cast().clients["client"])
    workers = 10
    start = threading.Barrier(workers)
    stored: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            start.wait()
            response = _send(course)
            with lock:
                stored.append(response.pk)
        except Exception as exc:  # any error is the test's failure, reported below
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(stored) == workers and len(set(stored)) == 1
    assert QuestionnaireResponse.objects.filter(course=course, code="phq9").count() == 1
    assert RiskFlag.objects.filter(course=course).count() == 1
