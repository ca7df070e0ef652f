"""The review loop of notes, through its services: sign → return → revise → re-sign →
co-sign, each version kept, each review recorded and audited, and every bad input refused
with nothing saved."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.courses.models import Course, NoteVersion, SessionNote
from iptcare.courses.selectors import caseload_courses, unsigned_note_counts
from iptcare.courses.services import CourseConflict, CourseError, note_sign, note_update
from iptcare.supervision.models import NoteReview
from iptcare.supervision.services import note_cosign, note_return
from tests import factories

MOMENT = datetime(2026, 8, 4, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


def _as(cast: Cast, role: str) -> Actor:
    return Actor(user=cast.users[role], role="supervisor" if role == "supervisor" else "therapist")


def _waiting(cast: Cast) -> tuple[Course, SessionNote]:
    """The student's course with one signed note waiting for co-signature."""
    course = factories.open_course(cast.clients["student_client"])
    note = factories.signed_note(course, focus_work="Talked about the move to the city.")
    assert note.status == SessionNote.Status.AWAITING_COSIGNATURE
    return course, note


def _state(note: SessionNote) -> tuple[object, ...]:
    fresh = SessionNote.objects.get(pk=note.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.focus_work,
        NoteReview.objects.filter(note=note).count(),
        NoteVersion.objects.filter(note=note).count(),
        AccessEntry.objects.filter(object_id=str(note.pk), action__in=["cosign", "return"]).count(),
    )


def test_the_loop_sign_return_revise_resign_cosign_keeps_every_version(cast: Cast) -> None:
    _course, note = _waiting(cast)
    student, supervisor = _as(cast, "student"), _as(cast, "supervisor")
    with time_machine.travel(MOMENT, tick=False):
        returned = note_return(
            actor=supervisor,
            note=note,
            version=note.version,
            comment="Link the mood to the week's events.",
            part_comments={"focus_work": "Which role transition?", "plan_next": ""},
        )
    assert returned.decision == "returned"
    assert returned.part_comments == {"focus_work": "Which role transition?"}  # empty dropped
    assert returned.note_version.number == 1
    assert (returned.reviewer, returned.at) == (cast.users["supervisor"], MOMENT)
    note.refresh_from_db()
    assert note.status == SessionNote.Status.RETURNED and not note.is_locked

    revised = note_update(
        actor=student,
        note=note,
        version=note.version,
        changes={"focus_work": "Talked about the move to the city: a role transition."},
    )
    resigned = note_sign(actor=student, note=revised, version=revised.version)
    assert resigned.status == SessionNote.Status.AWAITING_COSIGNATURE

    cosigned = note_cosign(
        actor=supervisor, note=resigned, version=resigned.version, comment="Much clearer."
    )
    final = SessionNote.objects.get(pk=note.pk)
    assert (final.status, final.cosigned_by) == ("final", cast.users["supervisor"])
    assert cosigned.decision == "cosigned" and cosigned.comment == "Much clearer."

    versions = list(NoteVersion.objects.filter(note=note).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].snapshot["focus_work"] == "Talked about the move to the city."
    assert versions[1].snapshot["focus_work"].endswith("a role transition.")
    assert versions[1].snapshot["date"] == note.date.isoformat()
    assert versions[1].signed_by == cast.users["student"]
    assert cosigned.note_version == versions[1]
    reviews = NoteReview.objects.filter(note=note).order_by("pk")
    assert [(r.decision, r.note_version.number) for r in reviews] == [
        ("returned", 1),
        ("cosigned", 2),
    ]
    audit = AccessEntry.objects.filter(object_id=str(note.pk)).order_by("pk")
    actions = [(e.action, e.user_id) for e in audit if e.action in ("sign", "return", "cosign")]
    assert actions == [
        ("sign", cast.users["student"].pk),
        ("return", cast.users["supervisor"].pk),
        ("sign", cast.users["student"].pk),
        ("cosign", cast.users["supervisor"].pk),
    ]
    # The access log names the return in words, as it does a co-signature.
    labels = {e.action: e.get_action_display() for e in audit}
    assert labels["return"] == "Returned for revision" and labels["cosign"] == "Co-signed"


def test_a_return_without_a_general_comment_is_refused(cast: Cast) -> None:
    _course, note = _waiting(cast)
    before = _state(note)
    for comment in ["", "   ", "\x00"]:
        with pytest.raises(CourseError, match="general comment is required") as caught:
            note_return(
                actor=_as(cast, "supervisor"),
                note=note,
                version=note.version,
                comment=comment,
                part_comments={"focus_work": "Say more."},
            )
        assert caught.value.field == "comment"
    assert _state(note) == before


def test_a_comment_on_a_part_the_note_does_not_have_is_refused(cast: Cast) -> None:
    _course, note = _waiting(cast)
    before = _state(note)
    with pytest.raises(CourseError, match="no part called agenda, secret"):
        note_return(
            actor=_as(cast, "supervisor"),
            note=note,
            version=note.version,
            comment="See the parts.",
            part_comments={"agenda": "x", "secret": "y", "focus_work": "z"},
        )
    with pytest.raises(CourseError, match="characters or fewer") as caught:
        note_return(
            actor=_as(cast, "supervisor"),
            note=note,
            version=note.version,
            comment="See the parts.",
            part_comments={"focus_work": "x" * 2001},
        )
    assert caught.value.field == "part_focus_work"
    assert _state(note) == before


def test_nobody_cosigns_or_returns_their_own_note(cast: Cast) -> None:
    _course, note = _waiting(cast)
    before = _state(note)
    with pytest.raises(CourseError, match="cannot co-sign your own note"):
        note_cosign(actor=_as(cast, "student"), note=note, version=note.version)
    with pytest.raises(CourseError, match="cannot return your own note"):
        note_return(actor=_as(cast, "student"), note=note, version=note.version, comment="Mine.")
    assert _state(note) == before


def test_only_a_supervisor_of_the_author_reviews_the_note(cast: Cast) -> None:
    _course, note = _waiting(cast)
    before = _state(note)
    others = [
        Actor(user=factories.supervisor(cast.clinic), role="supervisor"),
        Actor(user=factories.supervisor(cast.other_clinic), role="supervisor"),
        _as(cast, "therapist"),
        Actor(user=cast.users["admin"], role="administrator"),
    ]
    for actor in others:
        with pytest.raises(CourseError, match="Only the author's supervisor can co-sign"):
            note_cosign(actor=actor, note=note, version=note.version)
        with pytest.raises(CourseError, match="Only the author's supervisor can return"):
            note_return(actor=actor, note=note, version=note.version, comment="Not mine.")
    assert _state(note) == before


def test_a_stale_review_is_refused(cast: Cast) -> None:
    """Read by the supervisor at version N; returned (by another supervisor, another tab)
    and re-signed since: the review of N is refused."""
    _course, note = _waiting(cast)
    read_at = note.version
    note_return(actor=_as(cast, "supervisor"), note=note, version=read_at, comment="Revise.")
    note.refresh_from_db()
    note_sign(actor=_as(cast, "student"), note=note, version=note.version)
    before = _state(note)
    with pytest.raises(CourseConflict, match="changed elsewhere"):
        note_cosign(actor=_as(cast, "supervisor"), note=note, version=read_at)
    with pytest.raises(CourseConflict, match="changed elsewhere"):
        note_return(actor=_as(cast, "supervisor"), note=note, version=read_at, comment="Again.")
    assert _state(note) == before


def test_only_a_note_waiting_for_cosignature_is_reviewed(cast: Cast) -> None:
    course = factories.open_course(cast.clients["student_client"])
    draft = factories.note(course)
    with pytest.raises(CourseError, match="not waiting for a co-signature"):
        note_return(actor=_as(cast, "supervisor"), note=draft, version=draft.version, comment="x")
    signed = factories.signed_note(factories.open_course(cast.clients["client"]))
    with pytest.raises(CourseError, match="not waiting for a co-signature"):
        note_cosign(actor=_as(cast, "supervisor"), note=signed, version=signed.version)
    assert not NoteReview.objects.exists()


def test_the_password_is_asked_again_when_the_clinic_wants_it(cast: Cast) -> None:
    _course, note = _waiting(cast)
    factories.course_settings(cast.clinic, confirm_identity_at_signing=True)
    before = _state(note)
    for secret in [None, "", "wrong password", "\x00" * 5000]:
        with pytest.raises(CourseError, match="That password is not right") as caught:
            note_return(
                actor=_as(cast, "supervisor"),
                note=note,
                version=note.version,
                comment="Revise.",
                secret=secret,
            )
        assert caught.value.field == "secret"
        with pytest.raises(CourseError, match="That password is not right"):
            note_cosign(
                actor=_as(cast, "supervisor"), note=note, version=note.version, secret=secret
            )
    assert _state(note) == before
    review = note_cosign(
        actor=_as(cast, "supervisor"), note=note, version=note.version, secret=factories.PASSWORD
    )
    assert review.decision == "cosigned"


def test_a_returned_note_counts_as_unsigned_on_the_caseload(cast: Cast) -> None:
    course = factories.open_course(cast.clients["student_client"], weeks_ago=2)
    note = factories.signed_note(course)
    assert unsigned_note_counts([course.pk]) == {}
    note_return(
        actor=factories.actor(cast.users["supervisor"], "supervisor"),
        note=note,
        version=note.version,
        comment="Name the pattern you explored.",
    )
    assert unsigned_note_counts([course.pk]) == {course.pk: 1}
    assert caseload_courses([course.client_id])[course.client_id].unsigned_notes == 1
