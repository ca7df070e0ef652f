"""The course rules on their own: who starts a course, who co-signs a note."""

from __future__ import annotations

from conftest import Cast
from iptcare.courses.models import SessionNote
from tests import factories

EVERYONE = ["admin", "therapist", "therapist2", "student", "supervisor", "client", "other_admin"]


def test_a_course_is_started_by_an_assigned_therapist_when_none_is_open(cast: Cast) -> None:
    client = cast.clients["client"]
    for role in EVERYONE:
        allowed = role == "therapist"
        assert cast.users[role].has_perm("courses.start_course", client) is allowed, role
    course = factories.open_course(client)
    assert not cast.users["therapist"].has_perm("courses.start_course", client)
    factories.end_course(course)
    assert cast.users["therapist"].has_perm("courses.start_course", client)


def test_only_the_authors_supervisor_cosigns_and_only_while_it_waits(cast: Cast) -> None:
    course = factories.open_course(cast.clients["student_client"])
    note = factories.signed_note(course)
    assert note.status == SessionNote.Status.AWAITING_COSIGNATURE
    for role in EVERYONE:
        allowed = role == "supervisor"
        assert cast.users[role].has_perm("courses.cosign_note", note) is allowed, role
    final = factories.cosign(note)
    assert not cast.users["supervisor"].has_perm("courses.cosign_note", final)


def test_a_fully_qualified_therapists_note_needs_no_cosignature(cast: Cast) -> None:
    note = factories.signed_note(factories.open_course(cast.clients["client"]))
    for role in EVERYONE:
        assert not cast.users[role].has_perm("courses.cosign_note", note), role


# --- The pages ask the rules ------------------------------------------------------------


def test_start_a_course_shows_for_whoever_may_start_one(cast: Cast) -> None:
    client = cast.clients["student_client"]
    for url in [f"/clients/{client.pk}/", f"/courses/client/{client.pk}/"]:
        assert "Start a course" in cast.http("student").get(url).content.decode(), url
        assert "Start a course" not in cast.http("supervisor").get(url).content.decode(), url
    factories.open_course(client)
    for url in [f"/clients/{client.pk}/", f"/courses/client/{client.pk}/"]:
        assert "Start a course" not in cast.http("student").get(url).content.decode(), url


def test_the_cosign_button_shows_for_the_supervisor_only(cast: Cast) -> None:
    course = factories.open_course(cast.clients["student_client"])
    note = factories.signed_note(course)
    url = f"/courses/{course.pk}/notes/{note.pk}/"
    assert "Co-sign this note" in cast.http("supervisor").get(url).content.decode()
    assert "Co-sign this note" not in cast.http("student").get(url).content.decode()
