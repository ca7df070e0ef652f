"""A questionnaire given in session ("hand the device to the client"): the audit trail and
the work each submission does."""

from __future__ import annotations

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.courses.models import Course
from iptcare.measures.handover import SESSION_KEY as HANDOVER
from iptcare.measures.models import ItemAnswer, QuestionnaireResponse
from tests.factories import open_course

PHQ9 = {f"item_{n}": "1" for n in range(1, 10)} | {"item_9": "0"}


def _give(course: Course) -> str:
    return f"/measures/course/{course.pk}/give/phq9/"


def _entries_since(last_pk: int) -> list[AccessEntry]:
    return list(AccessEntry.objects.filter(pk__gt=last_pk).order_by("pk"))


def _last_entry_pk() -> int:
    return AccessEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_submission_writes_one_audit_entry_naming_the_therapist_role(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    browser = cast.http("therapist")
    before = _last_entry_pk()
    key = uuid.uuid4().hex
    assert browser.post(_give(course), PHQ9 | {"key": key}).status_code == 200
    response = QuestionnaireResponse.objects.get(idempotency_key=key)
    [entry] = _entries_since(before)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "create",
        "measures.questionnaireresponse",
        str(response.pk),
    )
    assert entry.acting_role == "therapist" and entry.client_id == course.client_id
    assert ItemAnswer.objects.filter(response=response).count() == 9


def test_a_refused_submission_still_records_that_the_course_was_read(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    browser = cast.http("therapist")
    before = _last_entry_pk()
    bad = PHQ9 | {"item_3": "7", "key": uuid.uuid4().hex}
    assert browser.post(_give(course), bad).status_code == 400
    [entry] = _entries_since(before)
    assert (entry.action, entry.object_type, entry.acting_role) == (
        "read",
        "courses.course",
        "therapist",
    )
    assert not QuestionnaireResponse.objects.filter(course=course).exists()


def test_opening_the_form_records_a_read_of_the_course(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    before = _last_entry_pk()
    assert cast.http("therapist").get(_give(course)).status_code == 200
    [entry] = _entries_since(before)
    assert (entry.action, entry.object_type) == ("read", "courses.course")


def test_a_supervisor_who_may_not_give_it_is_refused_and_the_read_is_recorded(
    cast: Cast,
) -> None:
    course = open_course(cast.clients["student_client"])
    before = _last_entry_pk()
    refused = cast.http("supervisor").post(_give(course), PHQ9 | {"key": uuid.uuid4().hex})
    assert refused.status_code == 403
    [entry] = _entries_since(before)
    assert (entry.action, entry.acting_role) == ("read", "supervisor")
    assert not QuestionnaireResponse.objects.filter(course=course).exists()


def test_sending_the_same_form_twice_stores_it_once_and_records_the_second_read(
    cast: Cast,
) -> None:
    course = open_course(cast.clients["client"])
    browser = cast.http("therapist")
    data = PHQ9 | {"key": uuid.uuid4().hex}
    browser.post(_give(course), data)
    before = _last_entry_pk()
    assert browser.post(_give(course), data).status_code == 200
    assert QuestionnaireResponse.objects.filter(course=course).count() == 1
    [entry] = _entries_since(before)
    assert (entry.action, entry.object_type) == ("read", "measures.questionnaireresponse")


def test_a_submission_costs_a_fixed_small_number_of_queries(cast: Cast) -> None:
    # A course each (a client each): one response per questionnaire and session.
    therapist = cast.users["therapist"]
    warm, course, another = (open_course(therapist=therapist) for _ in range(3))
    browser = cast.http("therapist")
    browser.post(_give(warm), PHQ9 | {"key": uuid.uuid4().hex})  # warm caches
    with CaptureQueriesContext(connection) as first:
        browser.post(_give(course), PHQ9 | {"key": uuid.uuid4().hex})
    with CaptureQueriesContext(connection) as second:
        browser.post(_give(another), PHQ9 | {"key": uuid.uuid4().hex})
    statements = [q["sql"] for q in first.captured_queries]
    statements = [
        sql
        for sql in statements
        if sql.split(" ", 1)[0] in ("SELECT", "INSERT", "UPDATE", "DELETE")
    ]
    inserts = [sql for sql in statements if sql.startswith("INSERT")]
    # The response, its 9 item answers in one statement (bulk_create), one audit entry.
    assert len(inserts) == 3, inserts
    assert len(first.captured_queries) == len(second.captured_queries)
    # Session, user and clinic (every page), the course with its client, the care team
    # once (the role that grants access, for the rules and the log), the clinic's
    # questionnaires from the shared cache once (the service's check), the sessions held
    # and today's note (one query), the three inserts and the session's update.
    assert len(statements) <= 11, "\n".join(sql[:120] for sql in statements)


def test_the_handover_pages_read_the_course_and_client_once(cast: Cast) -> None:
    """The course comes with its client in one query, whatever the request does with it."""
    course = open_course(cast.clients["client"])
    risky_course = open_course(therapist=cast.users["therapist"])
    browser = cast.http("therapist")
    risky = PHQ9 | {"item_9": "2"}
    for send in (
        lambda: browser.get(_give(course)),
        lambda: browser.post(_give(course), PHQ9 | {"key": uuid.uuid4().hex}),
        lambda: browser.post(_give(course), PHQ9 | {"item_3": "9", "key": uuid.uuid4().hex}),
        # One response per session: a risky answer needs a session not yet answered...
        lambda: browser.post(_give(risky_course), risky | {"key": uuid.uuid4().hex}),
        # ...and a second send for an answered session is answered with the first.
        lambda: browser.post(_give(course), risky | {"key": uuid.uuid4().hex}),
    ):
        # The therapist takes the device back between sends (test_handover.py tests that).
        session = browser.session
        session.pop(HANDOVER, None)
        session.save()
        with CaptureQueriesContext(connection) as queries:
            assert send().status_code in (200, 400)
        reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
        assert sum('FROM "courses_course"' in sql for sql in reads) == 1, reads
        assert not any('FROM "clients_client"' in sql for sql in reads), reads


def test_answers_to_a_questionnaire_the_clinic_turned_off_are_refused_with_a_message(
    cast: Cast,
) -> None:
    from iptcare.measures.models import ClinicInstrument

    course = open_course(cast.clients["client"])
    ClinicInstrument.objects.create(clinic=cast.clinic, code="phq9", enabled=False)
    browser = cast.http("therapist")
    assert browser.get(_give(course)).status_code == 404  # the form is not offered
    stored = QuestionnaireResponse.objects.count()
    answer = browser.post(_give(course), PHQ9 | {"key": uuid.uuid4().hex})
    assert "not one of the questionnaires this clinic uses" in answer.content.decode()
    assert QuestionnaireResponse.objects.count() == stored
    assert browser.post(f"/measures/course/{course.pk}/give/nope/", PHQ9).status_code == 404
