"""The review pages: the supervisor's review of a note (co-sign or return with comments),
the versions side by side, the comments on the returned note's page, and returned notes
first on the student's home."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.audit.services import Actor
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.services import note_sign, note_update
from iptcare.supervision.models import NoteReview
from iptcare.supervision.notediff import Segment, word_diff
from iptcare.supervision.services import note_return
from tests import factories

MOMENT = datetime(2026, 8, 4, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


def _waiting(
    cast: Cast, *, focus_work: str = "Reviewed the week.", plan_next: str = "Inventory."
) -> tuple[Course, SessionNote]:
    """A signed note of the student's, waiting for co-signature, of a new client of theirs."""
    client = factories.client(cast.clinic, therapists=[cast.users["student"]])
    course = factories.open_course(client)
    return course, factories.signed_note(course, focus_work=focus_work, plan_next=plan_next)


def _review_url(course: Course, note: SessionNote, page: str = "review") -> str:
    return f"/supervision/notes/{course.pk}/{note.pk}/{page}/"


def _return(cast: Cast, note: SessionNote, comment: str = "Revise.", **parts: str) -> NoteReview:
    note.refresh_from_db()
    return note_return(
        actor=Actor(user=cast.users["supervisor"], role="supervisor"),
        note=note,
        version=note.version,
        comment=comment,
        part_comments=parts,
    )


def _revise_and_resign(cast: Cast, note: SessionNote, plan: str) -> SessionNote:
    student = Actor(user=cast.users["student"], role="therapist")
    note.refresh_from_db()
    revised = note_update(
        actor=student, note=note, version=note.version, changes={"plan_next": plan}
    )
    return note_sign(actor=student, note=revised, version=revised.version)


def _status(note: SessionNote) -> tuple[str, int, int]:
    fresh = SessionNote.objects.get(pk=note.pk)
    return (fresh.status, fresh.version, NoteReview.objects.filter(note=note).count())


# --- the review page -------------------------------------------------------------------------


def test_the_supervisor_reviews_the_note_beside_its_parts(cast: Cast) -> None:
    course, note = _waiting(cast, focus_work="Talked about the move.")
    page = cast.http("supervisor").get(_review_url(course, note)).content.decode()
    assert "Talked about the move." in page
    assert 'name="part_focus_work"' in page and 'name="part_plan_next"' in page
    assert 'name="comment"' in page
    assert 'value="cosign"' in page and "Co-sign" in page
    assert 'value="return"' in page and "Return for revision" in page
    assert 'name="secret"' not in page  # the clinic has not asked for it


def test_nobody_but_a_supervisor_of_the_author_gets_the_review_page(cast: Cast) -> None:
    course, note = _waiting(cast)
    other = factories.supervisor(cast.clinic)
    elsewhere = factories.supervisor(cast.other_clinic)
    browsers = [cast.http(role) for role in ["student", "therapist", "admin", "other_admin"]]
    for person in [other, elsewhere]:
        browser = cast.http(None)
        browser.force_login(person)
        browsers.append(browser)
    decision = {"decision": "cosign", "version": note.version}
    for browser in browsers:
        assert browser.get(_review_url(course, note)).status_code == 404
        assert browser.post(_review_url(course, note), decision).status_code == 404
    assert _status(note)[0] == SessionNote.Status.AWAITING_COSIGNATURE


def test_returning_needs_a_general_comment_beside_the_field(cast: Cast) -> None:
    course, note = _waiting(cast)
    before = _status(note)
    response = cast.http("supervisor").post(
        _review_url(course, note),
        {"decision": "return", "version": note.version, "part_plan_next": "Be specific."},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_comment_error"' in page and "general comment is required" in page
    assert "Be specific." in page  # what they wrote is kept
    assert _status(note) == before


def test_bad_input_on_the_review_page_changes_nothing(cast: Cast) -> None:
    course, note = _waiting(cast)
    before = _status(note)
    browser = cast.http("supervisor")
    cases = [
        {"decision": "return", "version": note.version, "comment": "x" * 10_001},
        {"decision": "return", "version": note.version, "comment": "a\x00b"},
        {"decision": "return", "version": "²", "comment": "Revise."},
        {"decision": "return", "version": "9" * 30, "comment": "Revise."},
        {"decision": "return", "version": note.version + 1, "comment": "Revise."},
        {"decision": "burn", "version": note.version, "comment": "Revise."},
        {"decision": "cosign", "version": note.version, "part_focus_work": "Vague."},
    ]
    for data in cases:
        response = browser.post(_review_url(course, note), data)
        assert response.status_code == 200, data
        assert "Nothing was saved" in response.content.decode(), data
    assert _status(note) == before


def test_the_supervisor_returns_then_cosigns_through_the_page(cast: Cast) -> None:
    course, note = _waiting(cast)
    browser = cast.http("supervisor")
    response = browser.post(
        _review_url(course, note),
        {
            "decision": "return",
            "version": note.version,
            "comment": "Link the mood to the week.",
            "part_plan_next": "Which person first?",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/courses/{course.pk}/notes/{note.pk}/"
    review = NoteReview.objects.get(note=note)
    assert (review.decision, review.part_comments) == (
        "returned",
        {"plan_next": "Which person first?"},
    )
    # Not waiting any more: the review page sends the supervisor back to the note.
    assert browser.get(_review_url(course, note)).status_code == 302
    resigned = _revise_and_resign(cast, note, "Mother first.")
    response = browser.post(
        _review_url(course, resigned), {"decision": "cosign", "version": resigned.version}
    )
    assert response.status_code == 302
    assert _status(note)[0] == SessionNote.Status.FINAL


def test_a_wrong_password_at_cosigning_is_refused_beside_the_field(cast: Cast) -> None:
    course, note = _waiting(cast)
    factories.course_settings(cast.clinic, confirm_identity_at_signing=True)
    before = _status(note)
    browser = cast.http("supervisor")
    assert 'name="secret"' in browser.get(_review_url(course, note)).content.decode()
    for decision in ["cosign", "return"]:
        response = browser.post(
            _review_url(course, note),
            {"decision": decision, "version": note.version, "comment": "Ok.", "secret": "nope"},
        )
        page = response.content.decode()
        assert 'id="id_secret_error"' in page and "That password is not right" in page
    assert _status(note) == before
    response = browser.post(
        _review_url(course, note),
        {"decision": "cosign", "version": note.version, "secret": factories.PASSWORD},
    )
    assert response.status_code == 302 and _status(note)[0] == SessionNote.Status.FINAL


# --- the returned note's page --------------------------------------------------------------


def test_the_author_sees_the_comments_beside_the_returned_note(cast: Cast) -> None:
    course, note = _waiting(cast)
    with time_machine.travel(MOMENT, tick=False):
        _return(cast, note, "Link the mood to the week.", plan_next="Which person first?")
    page = cast.http("student").get(f"/courses/{course.pk}/notes/{note.pk}/").content.decode()
    assert "Returned for revision by Dr. Sue Supervisor, 4 Aug 2026" in page
    assert "Link the mood to the week." in page
    plan_field = page.index('name="plan_next"')
    assert page.index("Which person first?") > plan_field  # beside its part, below the field
    assert f"/supervision/notes/{course.pk}/{note.pk}/versions/" in page


def test_the_comments_go_once_the_note_is_signed_again(cast: Cast) -> None:
    course, note = _waiting(cast)
    _return(cast, note, "Link the mood to the week.")
    _revise_and_resign(cast, note, "Mother first.")
    page = cast.http("student").get(f"/courses/{course.pk}/notes/{note.pk}/").content.decode()
    assert "Link the mood to the week." not in page
    assert "Versions of this note (2)" in page


# --- the versions page ---------------------------------------------------------------------


def test_the_versions_show_what_changed_and_the_reviews_between(cast: Cast) -> None:
    course, note = _waiting(cast, plan_next="Review the inventory.")
    _return(cast, note, "Say who.", plan_next="Name the person.")
    _revise_and_resign(cast, note, "Review the inventory with her mother.")
    for role in ["student", "supervisor"]:
        page = cast.http(role).get(_review_url(course, note, "versions")).content.decode()
        assert "Version 1" in page and "Version 2" in page
        assert "<del>inventory.</del>" in page
        assert "<ins>inventory with her mother.</ins>" in page
        assert "Say who." in page and "Name the person." in page
        assert "1 part changed" in page


def test_the_versions_page_escapes_the_note(cast: Cast) -> None:
    course, note = _waiting(cast, plan_next="<script>alert(1)</script>")
    _return(cast, note, "<b>bold</b>")
    _revise_and_resign(cast, note, "<script>alert(2)</script>")
    page = cast.http("student").get(_review_url(course, note, "versions")).content.decode()
    assert "<script>alert" not in page and "<b>bold</b>" not in page


def _versions_page_queries(cast: Cast, versions: int) -> int:
    course, note = _waiting(cast)
    for n in range(versions - 1):
        _return(cast, note, f"Round {n}.", plan_next=f"Part {n}.")
        _revise_and_resign(cast, note, f"Plan {n}.")
    assert note.versions.count() == versions
    browser = cast.http("supervisor")
    browser.get(_review_url(course, note, "versions"))  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(_review_url(course, note, "versions"))
    assert response.status_code == 200
    assert f"Version {versions}" in response.content.decode()
    return len(queries)


def test_the_versions_page_costs_the_same_at_two_and_ten_versions(cast: Cast) -> None:
    assert _versions_page_queries(cast, 2) == _versions_page_queries(cast, 10)


# --- the student's home ------------------------------------------------------------------


def test_returned_notes_come_first_on_the_students_home(cast: Cast) -> None:
    course, note = _waiting(cast)
    with time_machine.travel(MOMENT, tick=False):
        _return(cast, note, "Revise.")
    home = cast.http("student").get("/home/").content.decode()
    assert "Notes returned to you for revision (1)" in home
    assert home.index("Notes returned to you") < home.index("My caseload")
    assert f"/courses/{course.pk}/notes/{note.pk}/" in home
    assert "returned by Dr. Sue Supervisor on 4 Aug 2026, 10:00" in home
    # Nobody else's home lists it.
    assert "Notes returned to you" not in cast.http("therapist").get("/home/").content.decode()


def _home_queries(cast: Cast, add: int) -> int:
    for _ in range(add):
        _course, note = _waiting(cast)
        _return(cast, note)
    total = NoteReview.objects.count()
    browser = cast.http("student")
    browser.get("/home/")
    with CaptureQueriesContext(connection) as queries:
        page = browser.get("/home/").content.decode()
    assert f"Notes returned to you for revision ({total})" in page
    return len(queries)


def test_the_returned_notes_cost_the_same_however_many(cast: Cast) -> None:
    one = _home_queries(cast, 1)
    assert _home_queries(cast, 5) == one  # six in all


# --- the word diff ---------------------------------------------------------------------


def test_the_word_diff_marks_removed_and_added_words() -> None:
    assert word_diff("see the mother", "see her mother today") == [
        Segment("same", "see "),
        Segment("del", "the"),
        Segment("ins", "her"),
        Segment("same", " mother"),
        Segment("ins", " today"),
    ]
    assert word_diff("", "new") == [Segment("ins", "new")]
    assert word_diff("old", "") == [Segment("del", "old")]
    assert word_diff("same", "same") == [Segment("same", "same")]
