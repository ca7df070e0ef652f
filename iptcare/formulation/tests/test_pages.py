"""The formulation pages: drawings, forms, bad input, read-only access and query counts."""

from __future__ import annotations

import typing
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.audit.services import Actor
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.courses.models import Course
from iptcare.formulation import charts, selectors, services
from iptcare.formulation.models import (
    FocusAreaChoice,
    HomeworkPracticeLog,
    InventoryPerson,
    LifeEvent,
    RolePlay,
)
from iptcare.formulation.views import portal_homework
from tests import factories
from tests.factories import WorkedCourse

SVG = "{http://www.w3.org/2000/svg}"


def signed_in(request: HttpRequest, user: User) -> AuthenticatedHttpRequest:
    """A request built by RequestFactory, as the login gate would pass it to the view."""
    request.user = user
    return typing.cast(AuthenticatedHttpRequest, request)


def _url(name: str, course: Course, **kwargs: int) -> str:
    return reverse(f"formulation:{name}", kwargs={"course_id": course.pk, **kwargs})


# --- Drawings ----------------------------------------------------------------------------


def test_the_closeness_circle_is_valid_svg_with_everyone_on_it() -> None:
    people = [
        charts.CirclePerson(f"P{i} <&>", "friend", ring=i % 3 + 1, support=i % 4, conflict=i % 4)
        for i in range(9)
    ]
    svg = ET.fromstring(charts.closeness_circle(people, client_name="Jo & co"))
    assert svg.findtext(f"{SVG}title") == "Closeness circle of Jo & co"
    assert svg.find(f"{SVG}desc") is not None
    drawn = svg.findall(f".//{SVG}g[@class='person']")
    assert len(drawn) == 9
    assert sorted(g.get("data-ring", "") for g in drawn) == ["1"] * 3 + ["2"] * 3 + ["3"] * 3
    assert len(svg.findall(f".//{SVG}line[@class='conflict-line']")) == 4  # conflict 2 or 3


def test_an_empty_closeness_circle_still_draws_the_rings() -> None:
    svg = ET.fromstring(charts.closeness_circle([], client_name="Ben"))
    assert len([c for c in svg.iter(f"{SVG}circle") if "ring" in (c.get("class") or "")]) == 3
    assert "nobody" in (svg.findtext(f"{SVG}desc") or "")


def test_the_life_chart_draws_events_episodes_and_scores() -> None:
    svg = ET.fromstring(
        charts.life_chart(
            events=[
                charts.ChartEvent(date(2024, 3, 1), "Moved <city>"),
                charts.ChartEvent(date(2024, 1, 1), "Illness", date(2024, 6, 1)),
            ],
            episodes=[charts.ChartEpisode(date(2024, 4, 1), None, True)],
            scores=[(date(2024, 9, 1), 18), (date(2024, 10, 1), 12)],
            today=date(2024, 11, 1),
        )
    )
    assert len(svg.findall(f".//{SVG}g[@class='event']")) == 2
    assert len(svg.findall(f".//{SVG}rect[@class='episode']")) == 1
    assert svg.find(f".//{SVG}polyline") is not None
    assert "Onset of the current episode 1 April 2024" in (svg.findtext(f"{SVG}desc") or "")


def test_the_life_chart_of_an_empty_timeline_is_valid() -> None:
    ET.fromstring(charts.life_chart(events=[], episodes=[], today=date(2025, 1, 1)))


@pytest.mark.parametrize(
    "days",
    [
        [date.max],
        [date.min],
        [date.min, date.max],
        [date(2024, 3, 1), date.max],
        [date(1, 1, 2), date(2024, 3, 1)],
    ],
)
def test_the_life_chart_draws_whatever_dates_are_stored(days: list[date]) -> None:
    # A mistyped year (9999 or 0001) used to overflow the margin arithmetic.
    svg = ET.fromstring(
        charts.life_chart(
            events=[charts.ChartEvent(day, "Mistyped", day) for day in days],
            episodes=[charts.ChartEpisode(days[0], days[-1], True)],
            scores=[(day, 9) for day in days],
            today=date(2025, 1, 1),
        )
    )
    assert len(svg.findall(f".//{SVG}g[@class='event']")) == len(days)
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("y") == str(charts.AXIS_Y + 20)]
    assert len(ticks) <= 11


def test_the_timeline_page_opens_with_an_event_dated_the_last_day_of_9999(
    cast: Cast, course: Course
) -> None:
    actor = Actor(user=cast.users["therapist"], role="therapist")
    event = services.event_create(
        actor=actor, course=course, code="other", starts_on=date(2024, 1, 1), people=[]
    )
    # Stored before the forms checked the range; the page must still open.
    LifeEvent.objects.filter(pk=event.pk).update(starts_on=date.max, ends_on=None)
    earlier = services.event_create(
        actor=actor, course=course, code="other", starts_on=date(2024, 1, 1), people=[]
    )
    LifeEvent.objects.filter(pk=earlier.pk).update(starts_on=date.min)
    response = cast.http("therapist").get(_url("timeline", course))
    assert response.status_code == 200
    assert "31 Dec 9999" in response.content.decode()


# --- Pages -------------------------------------------------------------------------------


def test_the_inventory_page_shows_the_circle_and_the_list(cast: Cast, course: Course) -> None:
    page = cast.http("therapist").get(_url("inventory", course)).content.decode()
    people = list(selectors.inventory_people(course))
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    assert len(ET.fromstring(svg).findall(f".//{SVG}g[@class='person']")) == len(people)
    for person in people:
        assert person.name in page


def test_the_supervisor_reads_but_cannot_add(cast: Cast, student_course: Course) -> None:
    browser = cast.http("supervisor")
    page = browser.get(_url("inventory", student_course)).content.decode()
    assert "Add a person" not in page
    person = selectors.inventory_people(student_course).first()
    assert person is not None
    edit = _url("person_edit", student_course, person_id=person.pk)
    assert "only the treating therapist" in browser.get(edit).content.decode()
    response = browser.post(edit, {"name": "Changed", "relation": "x", "ring": 1})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name != "Changed"


def test_a_person_from_another_course_is_not_found(
    cast: Cast, course: Course, student_course: Course
) -> None:
    other = selectors.inventory_people(student_course).first()
    assert other is not None
    response = cast.http("therapist").get(_url("person_edit", course, person_id=other.pk))
    assert response.status_code == 404


def test_adding_a_person_through_the_form(cast: Cast, course: Course) -> None:
    response = cast.http("therapist").post(
        _url("person_create", course),
        {
            "name": "Noor",
            "relation": "neighbour",
            "ring": 3,
            "status": "current",
            "practical_support": 1,
            "emotional_support": 0,
            "conflict": 0,
        },
    )
    assert response.status_code == 302
    assert InventoryPerson.objects.filter(course=course, name="Noor").exists()


def test_an_event_with_dates_out_of_order_gets_a_message_beside_the_field(
    cast: Cast, course: Course
) -> None:
    count = LifeEvent.objects.count()
    response = cast.http("therapist").post(
        _url("event_create", course),
        {"code": "illness_injury", "starts_on": "2024-05-01", "ends_on": "2024-04-01"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_ends_on_error"' in page
    assert "before the start" in page
    assert LifeEvent.objects.count() == count


def test_a_third_focus_area_gets_a_clear_message(cast: Cast, course: Course) -> None:
    count = FocusAreaChoice.objects.count()
    response = cast.http("therapist").post(
        _url("focus_area_create", course), {"area": "grief", "evidence": "e", "goals": "g"}
    )
    assert "two at most" in response.content.decode() or "has two already" in (
        response.content.decode()
    )
    assert FocusAreaChoice.objects.count() == count


def test_a_stale_edit_from_another_tab_is_refused(cast: Cast, course: Course) -> None:
    person = selectors.inventory_people(course).first()
    assert person is not None
    browser = cast.http("therapist")
    data = {
        "name": person.name,
        "relation": person.relation,
        "ring": person.ring,
        "status": person.status,
        "practical_support": person.practical_support,
        "emotional_support": person.emotional_support,
        "conflict": person.conflict,
        "version": person.version,
    }
    first = browser.post(
        _url("person_edit", course, person_id=person.pk), {**data, "wanted_change": "A"}
    )
    assert first.status_code == 302
    second = browser.post(
        _url("person_edit", course, person_id=person.pk), {**data, "wanted_change": "B"}
    )
    assert "after you opened it" in second.content.decode()
    person.refresh_from_db()
    assert person.wanted_change == "A"


def test_the_analysis_turns_are_saved_in_order(cast: Cast, course: Course) -> None:
    data = {
        "title": "Phone call",
        "session_number": 8,
        "turn-TOTAL_FORMS": 2,
        "turn-INITIAL_FORMS": 0,
        "turn-0-speaker": "Mum",
        "turn-0-said": "Hello",
        "turn-1-speaker": "Jo",
        "turn-1-said": "Hi",
        "turn-1-felt": "tense",
        "problems": ["closing_silence"],
    }
    response = cast.http("therapist").post(_url("analysis_create", course), data)
    assert response.status_code == 302
    analysis = selectors.analyses(course).get(title="Phone call")
    assert [t["speaker"] for t in analysis.turns] == ["Mum", "Jo"]
    assert analysis.problems == ["closing_silence"]


def test_make_this_a_role_play_in_one_click(cast: Cast, course: Course) -> None:
    analysis = selectors.analyses(course).first()
    assert analysis is not None
    before = RolePlay.objects.filter(analysis=analysis).count()
    response = cast.http("therapist").post(
        _url("analysis_roleplay", course, analysis_id=analysis.pk)
    )
    assert response.status_code == 302
    assert RolePlay.objects.filter(analysis=analysis).count() == before + 1


def test_the_dispute_stage_history_is_shown(cast: Cast, course: Course) -> None:
    page = cast.http("therapist").get(_url("role_dispute", course)).content.decode()
    assert "Impasse" in page and "Renegotiation" in page
    assert "what stops a resolution" in page.lower()


def test_the_suggestion_shows_during_the_initial_phase_only(cast: Cast, course: Course) -> None:
    starting = factories.open_course(therapist=cast.users["therapist"], weeks_ago=1)
    factories.signed_note(starting)
    factories.person(starting, "Bea Spouse", relation="wife", ring=1)
    factories.life_event(starting, "retirement", starts_on=starting.start_date - timedelta(days=90))
    browser = cast.http("therapist")
    page = browser.get(_url("formulation", starting)).content.decode()
    assert "What the records suggest" in page
    assert (
        "What the records suggest" not in browser.get(_url("formulation", course)).content.decode()
    )


def test_the_termination_page_reviews_the_records(cast: Cast) -> None:
    ending = factories.open_course(therapist=cast.users["therapist"], weeks_ago=15)
    factories.focus_area(ending, "grief", goals="Mourn her grandmother")
    friend = factories.person(ending, "Jay Friend", relation="friend", ring=3)
    factories.snapshot(ending, "initial", taken_on=ending.start_date + timedelta(weeks=2))
    actor = Actor(user=cast.users["therapist"], role="therapist")
    services.person_update(actor=actor, person=friend, version=None, ring=2)
    factories.snapshot(ending, "termination")
    page = cast.http("therapist").get(_url("termination", ending)).content.decode()
    assert "Mourn her grandmother" in page
    assert "Jay Friend" in page
    assert "fm-changed" in page  # the inventory changed between the two snapshots


def test_the_client_sees_and_reports_on_their_homework(cast: Cast, worked: WorkedCourse) -> None:
    task = worked.homework
    browser = cast.http("client")
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    factory = RequestFactory()
    request = signed_in(factory.get("/portal/homework/"), cast.users["client"])
    page = portal_homework(request).content.decode()
    assert task.text in page
    post = signed_in(
        factory.post("/portal/homework/", {"task": task.pk, "what_happened": "I called."}),
        cast.users["client"],
    )
    post.session = browser.session
    post._messages = FallbackStorage(post)  # type: ignore[attr-defined]  # as MessageMiddleware sets it
    assert portal_homework(post).status_code == 302
    assert HomeworkPracticeLog.objects.filter(task=task, what_happened="I called.").exists()


def test_another_clients_task_cannot_be_reported_on(cast: Cast, worked: WorkedCourse) -> None:
    from django.http import Http404
    from django.test import RequestFactory

    task = worked.homework
    post = signed_in(
        RequestFactory().post("/portal/homework/", {"task": task.pk, "what_happened": "x y z"}),
        cast.users["client2"],
    )
    with pytest.raises(Http404):
        portal_homework(post)


# --- Query counts ------------------------------------------------------------------------


def _queries(browser: HttpClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(course: Course, cast: Cast, rows: int) -> None:
    actor = Actor(user=cast.users["therapist"], role="therapist")
    person = selectors.inventory_people(course).first()
    assert person is not None
    for index in range(rows):
        extra = services.person_create(
            actor=actor, course=course, name=f"Extra {index}", relation="friend", ring=index % 3 + 1
        )
        services.event_create(
            actor=actor,
            course=course,
            code="other",
            starts_on=date(2024, 1, 1) + timedelta(days=index * 9),
            people=[person, extra],
        )
        services.episode_create(
            actor=actor, course=course, starts_on=date(2010, 1, 1) + timedelta(days=index * 20)
        )


@pytest.mark.parametrize(
    "page", ["inventory", "timeline", "inventory_compare", "formulation", "focus", "homework"]
)
def test_page_queries_do_not_grow_with_rows(cast: Cast, course: Course, page: str) -> None:
    browser = cast.http("therapist")
    few = _queries(browser, _url(page, course))
    _grow(course, cast, 25)
    assert _queries(browser, _url(page, course)) == few


def test_new_records_default_to_the_session_being_written_up(cast: Cast, course: Course) -> None:
    from iptcare.courses.models import SessionNote

    draft = SessionNote.objects.filter(course=course, status=SessionNote.Status.DRAFT).first()
    assert draft is not None, "the course has a draft note for today's session"
    response = cast.http("therapist").get(_url("analysis_create", course))
    assert response.context["form"].initial["session_number"] == draft.number


def test_the_stage_form_starts_at_the_current_stage(cast: Cast, course: Course) -> None:
    from iptcare.formulation.models import RoleDisputeWork

    work = RoleDisputeWork.objects.filter(course=course).first()
    assert work is not None and work.stage
    response = cast.http("therapist").get(_url("role_dispute", course))
    assert response.context["stage_form"].initial["stage"] == work.stage


def test_the_life_chart_writes_whole_years_and_counts_in_words() -> None:
    svg = charts.life_chart(
        events=[charts.ChartEvent(date(2026, 1, 10), "Job loss")],
        episodes=[charts.ChartEpisode(date(2026, 3, 1), None, True)],
        today=date(2026, 6, 1),
    )
    assert "Jan 2026" in svg or "2026" in svg
    assert "Jan 26<" not in svg
    assert "1 life event." in svg and "event(s)" not in svg


def test_the_inventory_page_shows_the_clients_suggestions(cast: Cast, course: Course) -> None:
    from iptcare.portal.models import PersonSuggestion

    PersonSuggestion.objects.create(
        clinic=course.clinic, client=course.client, course=course, name="Zanele", relation="aunt"
    )
    body = cast.http("therapist").get(_url("inventory", course)).content.decode()
    assert "Zanele" in body


def test_an_event_and_an_episode_taken_off_the_timeline_can_be_put_back(
    cast: Cast, course: Course
) -> None:
    from iptcare.audit.models import AccessEntry
    from iptcare.formulation.models import Episode, LifeEvent

    event = LifeEvent.objects.filter(course=course, archived_at__isnull=True).first()
    episode = Episode.objects.filter(course=course, archived_at__isnull=True).first()
    assert event is not None and episode is not None, "the timeline has both"
    therapist = cast.http("therapist")
    archive_event = _url("event_archive", course, event_id=event.pk)
    archive_episode = _url("episode_archive", course, episode_id=episode.pk)
    therapist.post(archive_event)
    therapist.post(archive_episode)
    page = therapist.get(_url("timeline", course)).content.decode()
    assert "Taken off the timeline" in page and event.label in page
    # Someone outside the care team finds nothing to put back.
    supervisor = cast.http("supervisor")
    assert supervisor.post(archive_event, {"restore": "1"}).status_code == 404
    therapist.post(archive_event, {"restore": "1"})
    therapist.post(archive_episode, {"restore": "1"})
    event.refresh_from_db()
    episode.refresh_from_db()
    assert event.archived_at is None and episode.archived_at is None
    assert (
        not episode.is_current
        or Episode.objects.filter(course=course, is_current=True).count() == 1
    )
    restored = AccessEntry.objects.filter(
        action="restore", object_id__in=[str(event.pk), str(episode.pk)]
    )
    assert restored.count() == 2
    # Putting back what is already there changes nothing.
    therapist.post(archive_event, {"restore": "1"})
    event_restores = AccessEntry.objects.filter(
        action="restore", object_type="formulation.lifeevent", object_id=str(event.pk)
    )
    assert event_restores.count() == 1
    assert "Taken off the timeline" not in therapist.get(_url("timeline", course)).content.decode()
