"""A draft's autosave says what went wrong in the clinic's words, never a field's
internal name ("None: Enter a whole number.")."""

from __future__ import annotations

import pytest

from conftest import Cast
from iptcare.courses.models import SessionNote
from iptcare.courses.services import note_open
from tests.factories import open_course

from .conftest import actor_for, clinic_today_for_tests

OUT_OF_DATE = "This page is out of date; reload it to see the latest version."


def _draft(note: SessionNote, **changes: object) -> dict[str, object]:
    return {
        "version": note.version,
        "date": note.date.isoformat(),
        "attendance": note.attendance,
        "plan_next": "Keep going",
    } | changes


@pytest.mark.parametrize("version", ["", "abc", "²", "0", "-3", "9" * 30])
def test_a_bad_version_says_the_page_is_out_of_date(cast: Cast, version: str) -> None:
    course = open_course(therapist=cast.users["therapist"])
    note = note_open(
        actor=actor_for(cast, "therapist"), course=course, date=clinic_today_for_tests()
    )
    browser = cast.http("therapist")
    url = f"/courses/{course.pk}/notes/{note.pk}/autosave/"
    body = browser.post(url, _draft(note, version=version)).content.decode()
    assert OUT_OF_DATE in body
    assert "None" not in body and "whole number" not in body
    assert SessionNote.objects.get(pk=note.pk).version == note.version


def test_signing_with_a_bad_version_says_so_above_the_form(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    note = note_open(
        actor=actor_for(cast, "therapist"), course=course, date=clinic_today_for_tests()
    )
    url = f"/courses/{course.pk}/notes/{note.pk}/sign/"
    body = cast.http("therapist").post(url, _draft(note, version="abc")).content.decode()
    assert OUT_OF_DATE in body
    assert SessionNote.objects.get(pk=note.pk).status == "draft"


def test_the_reflection_autosave_names_the_question_in_its_own_words(cast: Cast) -> None:
    answer = cast.http("client").post(
        "/intake/my-reflection/", {"duration_note": "x" * 301}, HTTP_HX_REQUEST="true"
    )
    body = answer.content.decode()
    assert answer.status_code == 400
    assert body.startswith('<span class="field__error">Not saved: Since when, roughly?')
    assert "None" not in body
