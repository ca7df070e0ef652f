"""A session's questionnaires on its session note page."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast
from iptcare.courses.models import Course, SessionNote
from iptcare.measures.selectors import session_measures
from tests.factories import gad7_answers, open_course, phq9_answers, submit


def _note(course: Course, number: int) -> SessionNote:
    return SessionNote.objects.create(
        clinic=course.clinic,
        course=course,
        number=number,
        date=date.today() - timedelta(days=1),
        author=course.therapist,
    )


def test_session_measures_lists_that_sessions_scores_with_bands_in_one_query(
    cast: Cast,
) -> None:
    course = open_course(cast.clients["client"])
    submit(course, "phq9", phq9_answers(15), session_number=1)
    gad = submit(course, "gad7", gad7_answers(12), session_number=2)
    phq = submit(course, "phq9", phq9_answers(8, item9=1), session_number=2)
    with CaptureQueriesContext(connection) as captured:
        found = session_measures(course, 2)
    assert len(captured) == 1
    # Registry order (PHQ-9 before GAD-7), not the order answered.
    assert [(m.code, m.total, m.severity_label) for m in found] == [
        ("phq9", 8, "Mild"),
        ("gad7", 12, "Moderate"),
    ]
    assert found[0].risk and not found[1].risk
    assert [m.url for m in found] == [
        f"/measures/response/{phq.pk}/",
        f"/measures/response/{gad.pk}/",
    ]
    assert session_measures(course, 3) == []


def test_the_panel_formats_what_the_view_read_without_a_query(
    cast: Cast, django_assert_num_queries
) -> None:
    course = open_course(cast.clients["client"])
    phq = submit(course, "phq9", phq9_answers(8, item9=1), session_number=2)
    measures = session_measures(course, 2)
    template = Template("{% load measures_panels %}{% session_measures_panel course 2 measures %}")
    with django_assert_num_queries(0):
        html = template.render(Context({"course": course, "measures": measures}))
    assert "PHQ-9" in html and reverse("measures:response", args=[phq.pk]) in html


def test_an_incomplete_questionnaire_shows_no_total(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    submit(course, "gad7", [1, 1, None, None, 1, 1, 1], session_number=1)
    [measure] = session_measures(course, 1)
    assert not measure.complete and measure.total is None and measure.severity_label == ""


def test_the_note_page_shows_the_sessions_scores_and_links_to_each_answer(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    note = _note(course, 2)
    submit(course, "phq9", phq9_answers(20), session_number=1)
    phq = submit(course, "phq9", phq9_answers(11), session_number=2)
    page = cast.http("therapist").get(f"/courses/{course.pk}/notes/{note.pk}/")
    body = page.content.decode()
    panel = body[body.index("Questionnaires for this session") :]
    assert f'href="/measures/response/{phq.pk}/"' in panel and "Moderate" in panel
    assert "<strong>11</strong>" in panel and "<strong>20</strong>" not in panel


def test_the_note_page_says_when_nothing_was_answered(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    note = _note(course, 1)
    body = cast.http("therapist").get(f"/courses/{course.pk}/notes/{note.pk}/").content.decode()
    assert "No questionnaires answered for session 1." in body


def test_the_note_page_queries_do_not_grow_with_the_sessions_answers(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    note = _note(course, 1)
    browser = cast.http("therapist")
    url = f"/courses/{course.pk}/notes/{note.pk}/"
    submit(course, "phq9", phq9_answers(10), session_number=1)
    browser.get(url)
    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    # One answer per questionnaire and session: a second questionnaire in this session,
    # and answers in other sessions (not shown here, and not read one by one either).
    submit(course, "gad7", gad7_answers(6), session_number=1)
    for number, total in enumerate((3, 6, 9, 12), start=2):
        submit(course, "phq9", phq9_answers(total), session_number=number)
        submit(course, "gad7", gad7_answers(total), session_number=number)
    with CaptureQueriesContext(connection) as many:
        body = browser.get(url).content.decode()
    assert body.count("/measures/response/") == 2
    assert len(many) == len(few)
