"""Session notes: the agenda a note starts with, drafts, signing, co-signing, amendments,
and two tabs editing the same draft."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.courses.models import Course, NoteAmendment, SessionNote
from iptcare.courses.selectors import course_position
from iptcare.courses.services import (
    CourseConflict,
    CourseError,
    course_extend,
    note_amend,
    note_cosign,
    note_open,
    note_sign,
    note_update,
)
from tests import factories
from tests.factories import open_course

from .conftest import actor_for, clinic_today_for_tests

TODAY = clinic_today_for_tests()
COMPLETE = {"mood_rating": 5, "risk_check": "none_indicated"}


def _held(cast: Cast, course: Course, sessions: int, role: str = "therapist") -> list[SessionNote]:
    """`sessions` signed weekly notes, the last one a week ago."""
    actor = actor_for(cast, role)
    notes = []
    for index in range(sessions):
        day = TODAY - timedelta(weeks=sessions - index)
        note = note_open(actor=actor, course=course, date=day)
        notes.append(note_sign(actor=actor, note=note, version=note.version, changes=COMPLETE))
    return notes


def _snapshot(note: SessionNote) -> tuple:
    note = SessionNote.objects.get(pk=note.pk)
    return (note.status, note.version, note.mood_rating, note.plan_next, note.signed_at)


# --- opening a note --------------------------------------------------------------------------


def test_a_new_note_takes_the_next_session_number_and_the_phase_agenda(cast):
    course = open_course(therapist=cast.users["therapist"])
    note = note_open(actor=actor_for(cast, "therapist"), course=course, date=TODAY)
    assert (note.number, note.status, note.author) == (1, "draft", cast.users["therapist"])
    assert note.agenda[0].startswith("Review symptoms")
    assert AccessEntry.objects.filter(action="create", object_id=str(note.pk)).exists()


def test_a_new_note_carries_forward_the_homework_set_and_the_last_plan(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    first = note_open(actor=actor, course=course, date=TODAY - timedelta(days=7))
    note_sign(
        actor=actor,
        note=first,
        version=first.version,
        changes={**COMPLETE, "homework_set": "Call Sam", "plan_next": "Role-play the talk"},
    )
    second = note_open(actor=actor, course=course, date=TODAY)
    assert "Plan from last time: Role-play the talk" in second.agenda
    assert "Review the between-session task set last time: Call Sam" in second.agenda
    assert second.homework_reviewed == "Call Sam"


def test_the_agenda_says_when_the_course_is_ending(cast):
    course = open_course(therapist=cast.users["therapist"], weeks_ago=20)
    _held(cast, course, 13)
    note = note_open(actor=actor_for(cast, "therapist"), course=course, date=TODAY)
    assert note.agenda[0] == "Ending phase: 3 sessions left, this one included. Name the ending"
    course.refresh_from_db()
    assert course.status == "ending"


def test_brief_ipt_ends_in_its_last_two_sessions(cast):
    course = open_course(therapist=cast.users["therapist"], protocol="brief", planned=8)
    _held(cast, course, 5)
    assert course_position(course).is_ending is False
    note = note_open(actor=actor_for(cast, "therapist"), course=course, date=TODAY)
    assert note.number == 6 and not note.agenda[0].startswith("Ending")
    assert course_position(course).label == "Session 7 of 8 · termination phase"


def test_the_course_status_follows_the_sessions_held(cast):
    course = open_course(therapist=cast.users["therapist"])
    _held(cast, course, 3)
    course.refresh_from_db()
    assert course.status == "active"  # session 4 is the middle phase


def test_a_session_past_the_planned_length_needs_an_extension_first(cast):
    course = open_course(
        therapist=cast.users["therapist"], protocol="brief", planned=8, weeks_ago=12
    )
    _held(cast, course, 8)
    count = SessionNote.objects.count()
    with pytest.raises(CourseError, match="Session 9 is past the 8 planned sessions: extend"):
        note_open(actor=actor_for(cast, "therapist"), course=course, date=TODAY)
    assert SessionNote.objects.count() == count
    course.refresh_from_db()
    course_extend(
        actor=actor_for(cast, "therapist"),
        course=course,
        to_sessions=10,
        reason="Two more sessions to finish the dispute work.",
        version=course.version,
    )
    assert note_open(actor=actor_for(cast, "therapist"), course=course, date=TODAY).number == 9


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY - timedelta(weeks=30), "before the course started"),
        (TODAY + timedelta(days=1), "in the future"),
        (TODAY - timedelta(weeks=3), "before session 2"),
    ],
)
def test_note_dates_out_of_order_are_refused(cast, day, message):
    course = open_course(therapist=cast.users["therapist"])
    _held(cast, course, 2)  # two and one weeks ago
    with pytest.raises(CourseError, match=message) as caught:
        note_open(actor=actor_for(cast, "therapist"), course=course, date=day)
    assert caught.value.field == "date"
    assert course.notes.count() == 2


def test_a_missed_session_does_not_use_up_the_contract(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    missed = note_open(
        actor=actor, course=course, date=TODAY - timedelta(days=7), attendance="no_show"
    )
    assert missed.number == 1
    attended = note_open(actor=actor, course=course, date=TODAY)
    assert attended.number == 1
    assert course_position(course).held == 1


def test_only_the_treating_therapist_writes_notes(cast: Cast):
    course = open_course(therapist=cast.users["therapist"])
    for role in ("therapist2", "supervisor", "admin", "student"):
        with pytest.raises(CourseError, match="treating therapist"):
            note_open(actor=actor_for(cast, role), course=course, date=TODAY)


# --- drafts and two tabs ---------------------------------------------------------------------


def test_saving_a_draft_bumps_its_version_and_is_audited(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY)
    saved = note_update(
        actor=actor, note=note, version=note.version, changes={"plan_next": "Inventory"}
    )
    assert (saved.plan_next, saved.version) == ("Inventory", 2)
    assert AccessEntry.objects.filter(action="update", object_id=str(note.pk)).exists()


def test_a_stale_draft_from_a_second_tab_never_overwrites(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY)
    tab_one_version = tab_two_version = note.version
    note_update(actor=actor, note=note, version=tab_one_version, changes={"plan_next": "Tab one"})
    before = _snapshot(note)
    with pytest.raises(CourseConflict, match="changed elsewhere"):
        note_update(
            actor=actor, note=note, version=tab_two_version, changes={"plan_next": "Tab two"}
        )
    with pytest.raises(CourseConflict):
        note_sign(actor=actor, note=note, version=tab_two_version, changes=COMPLETE)
    assert _snapshot(note) == before
    assert before[3] == "Tab one"


@pytest.mark.parametrize(
    ("protocol", "planned", "rating", "ok"),
    [
        ("standard", 16, 0, True),
        ("standard", 16, 10, True),
        ("standard", 16, 11, False),
        ("ipt_a", 12, 0, False),
        ("ipt_a", 12, 1, True),
    ],
)
def test_mood_ratings_follow_the_protocols_scale(cast, protocol, planned, rating, ok):
    if protocol == "ipt_a":
        from iptcare.courses.services import course_open

        course = course_open(
            actor=actor_for(cast, "therapist"),
            client=factories.client(
                cast.clinic,
                therapists=[cast.users["therapist"]],
                date_of_birth=factories.birthday_years_ago(cast.clinic, 15),
            ),
            protocol="ipt_a",
            therapist=cast.users["therapist"],
            start_date=TODAY - timedelta(days=7),
            planned_sessions=12,
            frequency="weekly",
        )
    else:
        course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY)
    if ok:
        assert note_update(actor=actor, note=note, version=1, changes={"mood_rating": rating})
    else:
        with pytest.raises(CourseError, match="Mood is rated") as caught:
            note_update(actor=actor, note=note, version=1, changes={"mood_rating": rating})
        assert caught.value.field == "mood_rating"
        assert SessionNote.objects.get(pk=note.pk).mood_rating is None


def test_unknown_techniques_and_risk_answers_are_refused(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY)
    with pytest.raises(CourseError, match="techniques"):
        note_update(actor=actor, note=note, version=1, changes={"techniques": ["hypnosis"]})
    with pytest.raises(CourseError, match="risk check"):
        note_update(actor=actor, note=note, version=1, changes={"risk_check": "maybe"})
    assert SessionNote.objects.get(pk=note.pk).version == 1


# --- signing ---------------------------------------------------------------------------------


def test_signing_locks_the_note(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY)
    signed = note_sign(actor=actor, note=note, version=1, changes={**COMPLETE, "plan_next": "X"})
    assert (signed.status, signed.is_locked, signed.plan_next) == ("signed", True, "X")
    assert signed.signed_at is not None
    assert AccessEntry.objects.filter(action="sign", object_id=str(note.pk)).exists()


def test_a_signed_note_cannot_be_edited_or_signed_again(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY)
    signed = note_sign(actor=actor, note=note, version=1, changes=COMPLETE)
    before = _snapshot(signed)
    with pytest.raises(CourseError, match="signed .*cannot be changed. Add an amendment"):
        note_update(actor=actor, note=signed, version=signed.version, changes={"plan_next": "Y"})
    with pytest.raises(CourseError, match="cannot be changed"):
        note_sign(actor=actor, note=signed, version=signed.version)
    assert _snapshot(signed) == before


def test_an_attended_session_needs_mood_and_risk_check_before_signing(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY)
    with pytest.raises(CourseError, match="mood rating") as caught:
        note_sign(actor=actor, note=note, version=1, changes={"plan_next": "Kept?"})
    assert caught.value.field == "mood_rating"
    with pytest.raises(CourseError, match="risk check"):
        note_sign(actor=actor, note=note, version=1, changes={"mood_rating": 4})
    note = SessionNote.objects.get(pk=note.pk)
    assert (note.status, note.version, note.plan_next, note.mood_rating) == ("draft", 1, "", None)


def test_a_discussed_risk_needs_what_was_discussed(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY)
    with pytest.raises(CourseError, match="safety plan") as caught:
        note_sign(
            actor=actor, note=note, version=1, changes={"mood_rating": 3, "risk_check": "discussed"}
        )
    assert caught.value.field == "risk_notes"


def test_a_missed_session_is_signed_without_mood(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY, attendance="cancelled_late")
    assert note_sign(actor=actor, note=note, version=1).status == "signed"


def test_a_students_signed_note_waits_for_the_supervisors_cosignature(cast):
    course = open_course(therapist=cast.users["student"])
    student = actor_for(cast, "student")
    note = note_open(actor=student, course=course, date=TODAY)
    signed = note_sign(actor=student, note=note, version=1, changes=COMPLETE)
    assert signed.status == "awaiting_cosignature"
    for role in ("therapist", "student", "admin"):
        # The student is told it is their own note; the others that only a supervisor may.
        with pytest.raises(CourseError, match="Only the author's supervisor|your own note"):
            note_cosign(actor=actor_for(cast, role), note=signed)
    assert SessionNote.objects.get(pk=note.pk).status == "awaiting_cosignature"
    final = note_cosign(actor=actor_for(cast, "supervisor"), note=signed)
    assert (final.status, final.cosigned_by) == ("final", cast.users["supervisor"])
    assert final.cosigned_at is not None
    assert AccessEntry.objects.filter(action="cosign", object_id=str(note.pk)).exists()
    with pytest.raises(CourseError, match="not waiting for a co-signature"):
        note_cosign(actor=actor_for(cast, "supervisor"), note=final)


def test_a_registered_therapists_note_needs_no_cosignature(cast):
    course = open_course(therapist=cast.users["therapist"])
    note = _held(cast, course, 1)[0]
    with pytest.raises(CourseError, match="not waiting"):
        note_cosign(actor=actor_for(cast, "supervisor"), note=note)


# --- amendments ------------------------------------------------------------------------------


def test_amendments_add_to_a_signed_note_without_changing_it(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = _held(cast, course, 1)[0]
    before = _snapshot(note)
    amendment = note_amend(actor=actor, note=note, text="Client phoned: mood was 3, not 5.")
    assert (amendment.author, amendment.text) == (
        cast.users["therapist"],
        "Client phoned: mood was 3, not 5.",
    )
    assert amendment.at is not None
    assert _snapshot(note) == before
    assert AccessEntry.objects.filter(action="amend", object_id=str(note.pk)).exists()


def test_bad_amendments_change_nothing(cast):
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    draft = note_open(actor=actor, course=course, date=TODAY)
    with pytest.raises(CourseError, match="still a draft"):
        note_amend(actor=actor, note=draft, text="An amendment to a draft.")
    signed = factories.signed_note(open_course(therapist=cast.users["therapist"]))
    with pytest.raises(CourseError, match="Write the amendment"):
        note_amend(actor=actor, note=signed, text="  ")
    with pytest.raises(CourseError, match="treating therapist"):
        note_amend(actor=actor_for(cast, "supervisor"), note=signed, text="Supervisor's words.")
    assert not NoteAmendment.objects.filter(note__in=[draft, signed]).exists()
