"""The course pages as a therapist, a supervisor and a student use them."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.courses.models import Course, CourseExtension, SessionNote
from iptcare.courses.selectors import (
    caseload_courses,
    course_positions,
    current_courses_for_clients,
    unsigned_note_counts,
)
from iptcare.courses.services import note_open, note_sign
from iptcare.overview.selectors import course_header_for
from tests import factories
from tests.factories import open_course

from .conftest import actor_for, clinic_today_for_tests

TODAY = clinic_today_for_tests()


def _weekly(course: Course, held: int, *, draft_today: bool = False) -> Course:
    """`held` signed weekly notes ending a week ago, and today's draft if asked."""
    first = TODAY - timedelta(weeks=held)
    for n in range(held):
        factories.signed_note(course, day=first + timedelta(weeks=n))
    if draft_today:
        factories.note(course, day=TODAY)
    return course


def _at_session_10(cast: Cast) -> Course:
    """The client's Standard IPT course at session 10: nine held, the ninth a draft."""
    course = open_course(cast.clients["client"], start_date=TODAY - timedelta(weeks=8))
    return _weekly(course, 8, draft_today=True)


def _student_course(cast: Cast) -> Course:
    """The student's course at session 6: all co-signed but the latest note."""
    course = open_course(cast.clients["student_client"], start_date=TODAY - timedelta(weeks=5))
    for note in _weekly(course, 5).notes.order_by("number")[:4]:
        factories.cosign(note)
    return course


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_course_page_shows_position_phases_gates_and_notes(cast: Cast) -> None:
    course = _at_session_10(cast)
    page = _text(cast.http("therapist").get(f"/courses/{course.pk}/"))
    assert "Session 10 of 16 · middle phase" in page
    assert "Initial phase: sessions 1–3" in page and "Termination phase: sessions 14–16" in page
    assert "Now at session 10 of 16 · middle phase; 9 held of 16 planned." in page
    assert "Session 9</a>" in page and "Draft" in page and "Signed" in page
    assert "New session note" in page and "Extend the course" in page


def test_open_gates_in_the_middle_phase_warn_but_do_not_block(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    for weeks in (3, 2, 1):
        note = note_open(actor=actor, course=course, date=TODAY - timedelta(weeks=weeks))
        note_sign(
            actor=actor,
            note=note,
            version=note.version,
            changes={"mood_rating": 5, "risk_check": "none_indicated"},
        )
    page = _text(cast.http("therapist").get(f"/courses/{course.pk}/"))
    assert "The middle phase has started with 5 open gates" in page
    assert "Inventory: not yet" in page
    assert "New session note" in page


def test_the_termination_notice_shows_in_the_last_sessions(cast: Cast) -> None:
    ending = open_course(cast.clients["client2"], start_date=TODAY - timedelta(weeks=13))
    _weekly(ending, 13)
    page = _text(cast.http("therapist2").get(f"/courses/{ending.pk}/"))
    assert "Session 14 of 16 · termination phase" in page
    assert "Ending phase: 3 sessions left, this one included" in page


def test_a_supervisor_reads_the_course_but_gets_no_actions(cast: Cast) -> None:
    supervised = _student_course(cast)
    page = _text(cast.http("supervisor").get(f"/courses/{supervised.pk}/"))
    assert "Session 6 of 16 · middle phase" in page
    assert "New session note" not in page


def test_the_course_page_query_count_does_not_grow_with_notes(cast: Cast) -> None:
    browser = cast.http("therapist")
    few, many = (
        open_course(therapist=cast.users["therapist"], weeks_ago=30),
        open_course(therapist=cast.users["therapist"], weeks_ago=30),
    )
    actor = actor_for(cast, "therapist")
    for course, count in ((few, 2), (many, 14)):
        for index in range(count):
            note = note_open(
                actor=actor, course=course, date=TODAY - timedelta(weeks=count - index)
            )
            note_sign(
                actor=actor,
                note=note,
                version=note.version,
                changes={"mood_rating": 5, "risk_check": "none_indicated"},
            )
    counts = []
    for course in (few, many):
        browser.get(f"/courses/{course.pk}/")  # warm the session and permission caches
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(f"/courses/{course.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_starting_a_course_from_the_client_page(cast: Cast) -> None:
    client = factories.client(cast.clinic, therapists=[cast.users["therapist"]])
    browser = cast.http("therapist")
    form = browser.get(f"/courses/new/?client={client.pk}")
    assert f'<option value="{client.pk}" selected>' in form.content.decode()
    bad = browser.post(
        "/courses/new/",
        {"client": client.pk, "protocol": "standard", "planned_sessions": 30,
         "frequency": "weekly", "start_date": TODAY.isoformat()},
    )  # fmt: skip
    assert "this clinic allows 16–20 planned sessions (got 30)" in bad.content.decode()
    assert not Course.objects.filter(client=client).exists()
    ok = browser.post(
        "/courses/new/",
        {"client": client.pk, "protocol": "standard", "planned_sessions": "",
         "frequency": "weekly", "start_date": TODAY.isoformat()},
    )  # fmt: skip
    course = Course.objects.get(client=client)
    assert ok["Location"] == f"/courses/{course.pk}/"
    assert course.planned_sessions == 16  # the clinic's default


def test_someone_elses_client_cannot_be_chosen(cast: Cast) -> None:
    ending = cast.clients["client2"]
    assert cast.http("therapist").get(f"/courses/new/?client={ending.pk}").status_code == 404
    assert cast.http("therapist").get("/courses/new/?client=abc").status_code == 404


def test_the_clients_course_list(cast: Cast) -> None:
    _at_session_10(cast)
    page = _text(cast.http("therapist").get(f"/courses/client/{cast.clients['client'].pk}/"))
    assert "Session 10 of 16 · middle phase" in page and "1 draft" in page
    assert "Start a course" not in page  # the open course comes first


def test_extending_through_the_page_and_a_stale_second_tab(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    browser = cast.http("therapist")
    url = f"/courses/{course.pk}/extend/"
    short = browser.post(url, {"version": 1, "to_sessions": 18, "reason": "more"})
    assert "Say why the course needs more sessions" in short.content.decode()
    ok = browser.post(url, {"version": 1, "to_sessions": 18, "reason": "Dispute work needs time."})
    assert ok.status_code == 302
    stale = browser.post(url, {"version": 1, "to_sessions": 20, "reason": "Another tab's reason."})
    assert "changed elsewhere" in stale.content.decode()
    course.refresh_from_db()
    assert course.planned_sessions == 18
    assert CourseExtension.objects.filter(course=course).count() == 1
    assert "16 → 18 sessions" in _text(browser.get(f"/courses/{course.pk}/"))


def test_ending_early_without_a_reason_says_so_beside_the_field(cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    response = cast.http("therapist").post(
        f"/courses/{course.pk}/end/",
        {"version": 1, "status": "ended_early", "ended_on": TODAY.isoformat(), "reason": ""},
    )
    assert 'id="id_reason_error"' in response.content.decode()
    course.refresh_from_db()
    assert course.is_open


# --- notes through the pages -----------------------------------------------------------------


def _draft_form(note: SessionNote, **changes: object) -> dict[str, object]:
    data = {
        "version": note.version,
        "date": note.date.isoformat(),
        "attendance": note.attendance,
        "mood_rating": "" if note.mood_rating is None else note.mood_rating,
        "plan_next": note.plan_next,
    }
    data.update(changes)
    return data


def test_autosave_returns_the_time_and_the_new_version(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    note = note_open(actor=actor_for(cast, "therapist"), course=course, date=TODAY)
    url = f"/courses/{course.pk}/notes/{note.pk}/autosave/"
    response = cast.http("therapist").post(url, _draft_form(note, plan_next="Inventory"))
    body = response.content.decode()
    assert re.search(r"Saved \d{1,2}:\d\d [ap]\.m\.", body)
    assert 'name="version" value="2"' in body and 'hx-swap-oob="true"' in body
    assert SessionNote.objects.get(pk=note.pk).plan_next == "Inventory"


def test_autosave_from_a_stale_tab_says_so_and_does_not_overwrite(cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    note = note_open(actor=actor_for(cast, "therapist"), course=course, date=TODAY)
    url = f"/courses/{course.pk}/notes/{note.pk}/autosave/"
    tab_one, tab_two = cast.http("therapist"), cast.http("therapist")
    tab_one.post(url, _draft_form(note, plan_next="From tab one"))
    response = tab_two.post(url, _draft_form(note, plan_next="From tab two"))
    body = response.content.decode()
    assert "Not saved." in body and "changed elsewhere" in body
    assert 'name="version"' not in body  # the stale tab keeps its old version
    assert SessionNote.objects.get(pk=note.pk).plan_next == "From tab one"


def test_autosave_reports_a_bad_mood_rating(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    note = note_open(actor=actor_for(cast, "therapist"), course=course, date=TODAY)
    url = f"/courses/{course.pk}/notes/{note.pk}/autosave/"
    body = cast.http("therapist").post(url, _draft_form(note, mood_rating=12)).content.decode()
    assert "Not saved:" in body and "Mood is rated 0–10 (10 = best)" in body
    assert SessionNote.objects.get(pk=note.pk).version == 1


def test_signing_through_the_page_shows_errors_beside_the_field(cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    note = note_open(actor=actor_for(cast, "therapist"), course=course, date=TODAY)
    browser = cast.http("therapist")
    url = f"/courses/{course.pk}/notes/{note.pk}/sign/"
    response = browser.post(url, _draft_form(note, plan_next="Go on"))
    assert 'id="id_mood_rating_error"' in response.content.decode()
    assert SessionNote.objects.get(pk=note.pk).status == "draft"
    ok = browser.post(url, _draft_form(note, mood_rating=6, risk_check="none_indicated"))
    assert ok.status_code == 302
    assert SessionNote.objects.get(pk=note.pk).status == "signed"


def test_editing_a_signed_note_is_refused_with_a_message(cast: Cast) -> None:
    course = _at_session_10(cast)
    note = course.notes.filter(status="signed").first()
    assert note is not None
    browser = cast.http("therapist")
    before = SessionNote.objects.get(pk=note.pk)
    response = browser.post(
        f"/courses/{course.pk}/notes/{note.pk}/",
        _draft_form(note, plan_next="Changed!"),
        follow=True,
    )
    assert "cannot be changed. Add an amendment instead." in response.content.decode()
    after = SessionNote.objects.get(pk=note.pk)
    assert (after.plan_next, after.version) == (before.plan_next, before.version)
    autosave = browser.post(
        f"/courses/{course.pk}/notes/{note.pk}/autosave/", _draft_form(note, plan_next="X")
    )
    assert "Add an amendment instead" in autosave.content.decode()


def test_a_supervisor_cosigns_from_the_note_page(cast: Cast) -> None:
    supervised = _student_course(cast)
    waiting = supervised.notes.get(status="awaiting_cosignature")
    url = f"/courses/{supervised.pk}/notes/{waiting.pk}/"
    assert "Co-sign this note" in cast.http("supervisor").get(url).content.decode()
    assert "Co-sign this note" not in cast.http("student").get(url).content.decode()
    # The button leads to the supervisor's review (supervision), the one co-sign path.
    review = f"/supervision/notes/{supervised.pk}/{waiting.pk}/review/"
    assert review in cast.http("supervisor").get(url).content.decode()
    decision = {"decision": "cosign", "version": waiting.version}
    assert cast.http("student").post(review, decision).status_code == 404
    assert cast.http("supervisor").post(review, decision).status_code == 302
    assert SessionNote.objects.get(pk=waiting.pk).status == "final"


def test_the_supervisor_s_home_lists_the_notes_waiting_for_their_cosignature(cast: Cast) -> None:
    supervised = _student_course(cast)
    waiting = supervised.notes.get(status="awaiting_cosignature")
    link = f"/supervision/notes/{supervised.pk}/{waiting.pk}/review/"
    home = cast.http("supervisor").get("/home/").content.decode()
    assert "1 note to co-sign" in home and link in home
    # Nobody else's queue: not another supervisor's, not the student's own home.
    assert link not in cast.http("student").get("/home/").content.decode()
    cast.http("supervisor").post(
        f"/supervision/notes/{supervised.pk}/{waiting.pk}/review/",
        {"decision": "cosign", "version": waiting.version},
    )
    home = cast.http("supervisor").get("/home/").content.decode()
    assert link not in home and "Nothing to co-sign" in home


def test_the_cosignature_queue_costs_one_query_however_long(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from iptcare.courses.selectors import notes_awaiting_cosignature

    supervisor = cast.users["supervisor"]
    supervised = _student_course(cast)
    # Whose supervision is current depends on the clinic's date: a request loads the
    # signed-in person's clinic once (the page header shows it), not once per queue.
    assert supervisor.home_clinic.time_zone
    with CaptureQueriesContext(connection) as one:
        before = notes_awaiting_cosignature(supervisor)
    for note in supervised.notes.exclude(status="awaiting_cosignature")[:3]:
        SessionNote.objects.filter(pk=note.pk).update(status="awaiting_cosignature")
    with CaptureQueriesContext(connection) as many:
        after = notes_awaiting_cosignature(supervisor)
        names = [(n.course.client.display_name, n.author.full_name) for n in after]
    assert len(after) > len(before) and len(names) == len(after)
    assert len(one) == len(many) == 1


def test_an_amendment_through_the_page(cast: Cast) -> None:
    course = _at_session_10(cast)
    note = course.notes.filter(status="signed").first()
    assert note is not None
    url = f"/courses/{course.pk}/notes/{note.pk}/"
    cast.http("therapist").post(url + "amend/", {"text": "Mood was 3, corrected by phone."})
    page = (
        _text(cast.http("supervisor").get(url)) if False else _text(cast.http("therapist").get(url))
    )
    assert "Mood was 3, corrected by phone." in page


# --- interfaces for the other apps -----------------------------------------------------------


def test_positions_drafts_and_current_courses_take_constant_queries(cast: Cast) -> None:
    course = _at_session_10(cast)
    courses = list(Course.objects.filter(clinic=cast.clinic))
    ids = [c.pk for c in courses]
    with CaptureQueriesContext(connection) as queries:
        positions = course_positions(ids)
        drafts = unsigned_note_counts(ids)
        current = current_courses_for_clients({c.client_id for c in courses})
    assert len(queries) == 3
    assert positions[course.pk].label == "Session 10 of 16 · middle phase"
    assert (positions[course.pk].held, positions[course.pk].is_ending) == (9, False)
    assert drafts == {course.pk: 1}
    assert current[cast.clients["client"].pk] == course


def test_the_caseload_reads_current_courses_positions_and_drafts_in_one_query(
    cast: Cast,
) -> None:
    _at_session_10(cast)
    client_ids = set(Course.objects.values_list("client_id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        found = caseload_courses(client_ids)
    assert len(queries) == 1
    current = current_courses_for_clients(client_ids)
    assert {client_id: row.course for client_id, row in found.items()} == current
    course_ids = [course.pk for course in current.values()]
    positions, drafts = course_positions(course_ids), unsigned_note_counts(course_ids)
    for row in found.values():
        assert row.position == positions[row.course.pk]
        assert row.unsigned_notes == drafts.get(row.course.pk, 0)


def test_the_current_course_is_the_open_one_else_the_latest(cast) -> None:
    ended = open_course(therapist=cast.users["therapist"], weeks_ago=20)
    _weekly(ended, 3)
    factories.end_course(ended, "ended_early", reason="Moved out of province.")
    assert current_courses_for_clients([ended.client_id])[ended.client_id] == ended
    assert current_courses_for_clients([cast.clients["other"].pk]) == {}


def test_the_course_header_tag_formats_the_prepared_header_without_a_query(
    cast: Cast, django_assert_num_queries
) -> None:
    course = _at_session_10(cast)
    factories.focus_area(course, "role_transition", evidence="The move.", goals="Two new friends")
    header = course_header_for(course)
    assert header.focus_areas, "the course has its focus area chosen"
    template = Template("{% load courses %}{% course_header header %}")
    with django_assert_num_queries(0):
        html = template.render(Context({"header": header}))
    assert "Session 10 of 16 · middle phase" in html
    assert f'href="/courses/{course.pk}/"' in html
    assert all(label in html for _code, label in header.focus_areas)
    # The client it is about, so nobody acts on the wrong chart.
    client = course.client
    assert f"{client.display_name}</a>" in html and f"Chart {client.chart_number}" in html


# --- API ---------------------------------------------------------------------------------------


def test_the_api_gives_position_gates_and_notes(cast: Cast) -> None:
    course = _at_session_10(cast)
    data = cast.http("therapist").get(f"/api/v1/courses/{course.pk}").json()
    assert (data["session_number"], data["phase"], data["planned_sessions"]) == (10, "middle", 16)
    assert [g["key"] for g in data["gates"]][0] == "symptom_measure"
    notes = cast.http("therapist").get(f"/api/v1/courses/{course.pk}/notes").json()
    assert [n["number"] for n in notes] == list(range(1, 10))
    assert notes[-1]["status"] == "draft"
    assert cast.http("therapist2").get(f"/api/v1/courses/{course.pk}").status_code == 404
