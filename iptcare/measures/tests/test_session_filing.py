"""The session a questionnaire is filed under: the one it was given in (the note open that
day, else the session being worked towards), and the migration that moves the answers the
old arithmetic ("sessions held + 1") filed under the next session back to their own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from importlib import import_module

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import Cast, ensure_cast
from iptcare.audit.models import AccessEntry
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.selectors import session_on_day
from iptcare.courses.services import note_sign
from iptcare.measures.models import QuestionnaireResponse
from iptcare.measures.portal import portal_state, session_for_answers
from tests.factories import (
    SIGNED_NOTE,
    appointment,
    clock_at,
    gad7_answers,
    local,
    note,
    open_course,
    phq9_answers,
    signed_note,
    submit,
    therapist_actor,
    weekly_hours,
)

# A Tuesday; 10 o'clock in Toronto is 14:00 UTC, so the clinic's day is not the server's.
DAY = date(2026, 3, 10)
PHQ9 = {f"item_{n}": "1" for n in range(1, 10)} | {"item_9": "0"}


@pytest.fixture
def at_ten(cast: Cast) -> Iterator[None]:
    with clock_at(cast.clinic, DAY, 10):
        yield


def _course(cast: Cast) -> Course:
    return open_course(cast.clients["client"], start_date=DAY - timedelta(weeks=4))


def _give(cast: Cast, course: Course) -> QuestionnaireResponse:
    key = uuid.uuid4().hex
    sent = cast.http("therapist").post(
        f"/measures/course/{course.pk}/give/phq9/", PHQ9 | {"key": key}
    )
    assert sent.status_code == 200
    return QuestionnaireResponse.objects.get(idempotency_key=key)


def _sign(draft: SessionNote) -> SessionNote:
    return note_sign(
        actor=therapist_actor(draft.course.therapist),
        note=draft,
        version=draft.version,
        changes=SIGNED_NOTE,
    )


# --- given in session ("hand the device to the client") ----------------------------------


def test_a_questionnaire_given_after_the_note_was_opened_belongs_to_that_session(
    cast: Cast, at_ten: None
) -> None:
    course = _course(cast)
    draft = note(course, day=DAY)  # session 1, a draft marked "attended"
    response = _give(cast, course)
    assert response.session_number == 1
    signed = _sign(draft)
    # The signed note's panel lists it, instead of "no questionnaire answered".
    page = cast.http("therapist").get(f"/courses/{course.pk}/notes/{signed.pk}/")
    panel = page.content.decode().split("Questionnaires for this session", 1)[1]
    assert f'href="/measures/response/{response.pk}/"' in panel
    assert "No questionnaires answered for session 1." not in panel


def test_a_questionnaire_given_after_the_note_was_signed_still_belongs_to_that_session(
    cast: Cast, at_ten: None
) -> None:
    course = _course(cast)
    signed_note(course, day=DAY - timedelta(weeks=1))
    signed_note(course, day=DAY)  # session 2, signed before the device is handed over
    assert _give(cast, course).session_number == 2


def test_without_a_note_today_it_belongs_to_the_session_being_worked_towards(
    cast: Cast, at_ten: None
) -> None:
    course = _course(cast)
    signed_note(course, day=DAY - timedelta(weeks=1))
    # Today's session (the second), its note not opened yet.
    assert _give(cast, course).session_number == 2


def test_a_missed_session_noted_today_is_not_the_session_it_was_given_in(
    cast: Cast, at_ten: None
) -> None:
    course = _course(cast)
    signed_note(course, day=DAY - timedelta(weeks=1))
    note(course, day=DAY, attendance="no_show")
    assert session_for_answers(course, in_session=True) == 2


def test_today_is_the_clinics_day_not_the_servers(cast: Cast) -> None:
    course = _course(cast)
    with clock_at(cast.clinic, DAY, 10):
        draft = note(course, day=DAY)
    # 21:30 in Toronto is already the next day in UTC: still the day of the open note.
    with time_machine.travel(local(cast.clinic, DAY, 21, 30), tick=False):
        assert session_for_answers(course, in_session=True) == draft.number == 1
    with time_machine.travel(local(cast.clinic, DAY + timedelta(days=1), 9), tick=False):
        assert session_for_answers(course, in_session=True) == 2


def test_the_open_note_of_the_day_is_preferred_to_a_signed_one(cast: Cast, at_ten: None) -> None:
    course = _course(cast)
    signed_note(course, day=DAY)
    note(course, day=DAY)  # a second session the same day, under way
    found = session_on_day(course, DAY)
    assert (found.number, found.is_open, found.position.held) == (2, True, 2)
    assert session_for_answers(course, in_session=True) == 2


# --- answered in the portal --------------------------------------------------------------


def test_in_the_waiting_room_during_the_session_the_portal_files_it_under_that_session(
    cast: Cast, at_ten: None
) -> None:
    course = _course(cast)
    weekly_hours(cast.users["therapist"], [(day, 9, 17, "in_person") for day in range(7)])
    appointment(cast.clients["client"], starts_at=local(cast.clinic, DAY + timedelta(weeks=1), 10))
    note(course, day=DAY)
    state = portal_state(cast.clients["client"])
    # Due now, though the next booking is a week away: the session is under way.
    assert state.session_number == 1 and "phq9" in [m.code for m in state.due]
    browser = cast.http("client")
    page = browser.get("/measures/my/phq9/").content.decode()
    key = page.split('name="key" value="', 1)[1].split('"', 1)[0]
    answers = {f"item_{n}": "1" for n in range(1, 10)} | {"extra_difficulty": "1", "key": key}
    assert browser.post("/measures/my/phq9/", answers).status_code == 200
    assert QuestionnaireResponse.objects.get(idempotency_key=key).session_number == 1


def test_an_evening_answer_after_the_note_was_signed_belongs_to_the_next_session(
    cast: Cast,
) -> None:
    course = _course(cast)
    with clock_at(cast.clinic, DAY, 10):
        signed_note(course, day=DAY)
    with clock_at(cast.clinic, DAY, 20):
        state = portal_state(cast.clients["client"])  # no booking: due now
        assert state.session_number == session_for_answers(course, in_session=False) == 2
        assert "phq9" in [m.code for m in state.due]


# --- the migration -----------------------------------------------------------------------

MIGRATION = "0003_refile_in_session_answers_to_their_session"


def _given(
    course: Course,
    number: int,
    at: datetime,
    code: str = "phq9",
    administered: str = "in_session",
) -> QuestionnaireResponse:
    answers = phq9_answers(10) if code == "phq9" else gad7_answers(10)
    return submit(course, code, answers, session_number=number, at=at, administered=administered)


def _migrate_again_to_latest() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("measures", "0002_one_response_per_session")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_the_migration_refiles_only_what_was_plainly_given_in_the_earlier_session() -> None:
    cast = ensure_cast()
    clinic = cast.clinic
    with clock_at(clinic, DAY, 9):
        course = open_course(cast.clients["client"], start_date=DAY - timedelta(weeks=4))
        two_a_day = open_course(cast.clients["client2"], start_date=DAY - timedelta(weeks=4))
    # Session 1's note opened at 10:00, then a PHQ-9 given late in the evening (a new UTC
    # day) and a GAD-7 filed as the old code did, under session 2.
    with time_machine.travel(local(clinic, DAY, 10), tick=False):
        note(course, day=DAY)
    wrong = _given(course, 2, local(clinic, DAY, 23, 30))
    # Already a GAD-7 for session 1: the one under 2 cannot join it.
    _given(course, 1, local(clinic, DAY, 9, 30), code="gad7")
    blocked = _given(course, 2, local(clinic, DAY, 10, 30), code="gad7")
    # Answered before the note was opened, or in the portal, or another day: left alone.
    with time_machine.travel(local(clinic, DAY + timedelta(weeks=1), 10), tick=False):
        note(course, day=DAY + timedelta(weeks=1))  # session 2
    before_note = _given(course, 3, local(clinic, DAY + timedelta(weeks=1), 9))
    from_home = _given(
        course, 3, local(clinic, DAY + timedelta(weeks=1), 11), code="gad7", administered="portal"
    )
    # Sessions 1 and 2 on the same day: a PHQ-9 under 2 may well be session 2's.
    with time_machine.travel(local(clinic, DAY, 10), tick=False):
        note(two_a_day, day=DAY)
        note(two_a_day, day=DAY)
    ambiguous = _given(two_a_day, 2, local(clinic, DAY, 16))
    last = AccessEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    _migrate_again_to_latest()

    def number(response: QuestionnaireResponse) -> int:
        return QuestionnaireResponse.objects.get(pk=response.pk).session_number

    assert number(wrong) == 1
    assert [number(r) for r in (blocked, before_note, from_home, ambiguous)] == [2, 3, 3, 2]
    [entry] = AccessEntry.objects.filter(pk__gt=last)
    assert (entry.action, entry.acting_role, entry.user_id, entry.request_id) == (
        "update",
        "system",
        None,
        "migration",
    )
    assert (entry.object_type, entry.object_id) == ("measures.questionnaireresponse", str(wrong.pk))
    assert (entry.client_id, entry.clinic_id) == (course.client_id, course.clinic_id)
    assert entry.detail == (
        "refiled from session 2 to session 1: given in session 1 (note of the same day)"
    )
    # Run again, it finds nothing more to move.
    import_module(f"iptcare.measures.migrations.{MIGRATION}").refile(django_apps, None)
    assert AccessEntry.objects.filter(pk__gt=last).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_a_chain_of_sessions_each_back_by_one() -> None:
    cast = ensure_cast()
    clinic = cast.clinic
    with clock_at(clinic, DAY, 9):
        course = open_course(cast.clients["client"], start_date=DAY - timedelta(weeks=4))
    responses = []
    for week in range(2):
        day = DAY + timedelta(weeks=week)
        with time_machine.travel(local(clinic, day, 10), tick=False):
            note(course, day=day)
        responses.append(_given(course, week + 2, local(clinic, day, 10, 40)))
    _migrate_again_to_latest()
    assert [QuestionnaireResponse.objects.get(pk=r.pk).session_number for r in responses] == [1, 2]
