"""The supervision log: meetings, their validation, agreed actions, totals, who sees what."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.audit.models import AccessEntry
from iptcare.supervision import selectors, services
from iptcare.supervision.models import AgreedAction, SupervisionMeeting
from tests import factories

TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def pinned() -> Iterator[None]:
    with time_machine.travel(
        datetime(2026, 3, 20, 12, tzinfo=ZoneInfo("America/Toronto")), tick=False
    ):
        yield


def _second_student(cast: Cast) -> User:
    return factories.therapist(
        cast.clinic, full_name="Sam Second", practicum_supervisor=cast.users["supervisor"]
    )


def _form(cast: Cast, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date": "2026-03-18",
        "minutes": "60",
        "kind": "individual",
        "supervisees": [str(cast.users["student"].pk)],
        "clients_discussed": cast.clients["student_client"].chart_number,
        "recordings_reviewed": "Session 4 recording, held on the clinic drive, minutes 10-25.",
        "notes": "Worked on the role dispute.",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "3",
        "actions-0-text": "Rehearse the conversation with the client.",
        "actions-0-due_on": "2026-03-25",
        "actions-0-supervisee": str(cast.users["student"].pk),
    }
    data.update(changes)
    return data


def _log(cast: Cast, day: date, minutes: int, *people: User, kind: str = "") -> SupervisionMeeting:
    supervisees = list(people) or [cast.users["student"]]
    return services.meeting_log(
        actor=factories.actor(cast.users["supervisor"], "supervisor"),
        date=day,
        minutes=minutes,
        kind=kind or ("group" if len(supervisees) > 1 else "individual"),
        supervisees=supervisees,
        notes=f"Notes of {day}.",
    )


def test_a_supervisor_logs_a_meeting_with_clients_by_chart_number_and_an_action(
    cast: Cast,
) -> None:
    response = cast.http("supervisor").post(reverse("supervision:log_new"), _form(cast))
    assert response.status_code == 302
    meeting = SupervisionMeeting.objects.get()
    assert meeting.minutes == 60 and meeting.supervisor == cast.users["supervisor"]
    assert list(meeting.supervisees.all()) == [cast.users["student"]]
    assert list(meeting.clients_discussed.all()) == [cast.clients["student_client"]]
    action = meeting.actions.get()
    assert action.due_on == date(2026, 3, 25) and action.supervisee == cast.users["student"]
    assert AccessEntry.objects.filter(
        client=cast.clients["student_client"], action="create", object_id=str(meeting.pk)
    ).exists()


BAD = [
    ({"minutes": "0"}, "minutes", "from 1 to 480"),
    ({"minutes": "2000"}, "minutes", "from 1 to 480"),
    ({"minutes": "²"}, "minutes", "whole number"),
    ({"date": "9999-12-31"}, "date", "Enter a date between"),
    ({"date": "2026-03-21"}, "date", "this date is ahead"),
    ({"date": "not a date"}, "date", "Enter a valid date"),
    ({"notes": "x" * 20_000}, "notes", "10,000 characters"),
    ({"notes": "a\x00b"}, "notes", "Null characters are not allowed"),
    ({"recordings_reviewed": "x" * 20_000}, "recordings_reviewed", "10,000 characters"),
    ({"supervisees": []}, "supervisees", "Tick who was present"),
    ({"supervisees": ["99999999999999999999999"]}, "supervisees", "your own supervisees"),
    ({"actions-0-due_on": "2026-03-01"}, "actions-0-text", "on or after the meeting"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(
    cast: Cast, changes: dict[str, object], field: str, message: str
) -> None:
    response = cast.http("supervisor").post(reverse("supervision:log_new"), _form(cast, **changes))
    assert response.status_code == 400
    page = response.content.decode()
    beside = re.compile(r'<p class="field__error"[^>]*>[^<]*' + re.escape(message))
    assert beside.search(page), f"{message!r} is not beside the {field} field"
    assert not SupervisionMeeting.objects.exists()
    assert not AgreedAction.objects.exists()


def test_a_chart_number_that_is_not_a_supervisees_client_is_refused(cast: Cast) -> None:
    theirs = cast.clients["client"].chart_number  # therapist@'s client, not the student's
    response = cast.http("supervisor").post(
        reverse("supervision:log_new"), _form(cast, clients_discussed=theirs)
    )
    assert response.status_code == 400
    assert f"Not a client of the supervisees present: {theirs}" in response.content.decode()
    assert 'id="id_clients_discussed_error"' in response.content.decode()
    assert not SupervisionMeeting.objects.exists()


def test_a_supervisee_who_is_not_yours_is_refused(cast: Cast) -> None:
    response = cast.http("supervisor").post(
        reverse("supervision:log_new"),
        _form(cast, supervisees=[str(cast.users["therapist"].pk)], clients_discussed=""),
    )
    assert response.status_code == 400
    assert "Choose from your own supervisees." in response.content.decode()
    assert not SupervisionMeeting.objects.exists()


def test_an_individual_meeting_with_two_supervisees_is_refused(cast: Cast) -> None:
    second = _second_student(cast)
    response = cast.http("supervisor").post(
        reverse("supervision:log_new"),
        _form(cast, supervisees=[str(cast.users["student"].pk), str(second.pk)]),
    )
    assert response.status_code == 400
    assert "Individual supervision is with one supervisee" in response.content.decode()
    assert not SupervisionMeeting.objects.exists()
    response = cast.http("supervisor").post(
        reverse("supervision:log_new"),
        _form(cast, kind="group", supervisees=[str(cast.users["student"].pk), str(second.pk)]),
    )
    assert response.status_code == 302


def test_the_service_refuses_a_non_supervisee_even_without_the_form(cast: Cast) -> None:
    with pytest.raises(services.LogError) as refused:
        _log(cast, date(2026, 3, 2), 60, cast.users["therapist"])
    assert refused.value.field == "supervisees"


def test_a_stale_edit_is_refused_and_a_fresh_one_saved(cast: Cast) -> None:
    meeting = _log(cast, date(2026, 3, 2), 60)
    browser = cast.http("supervisor")
    url = reverse("supervision:log_edit", args=[meeting.pk])
    assert browser.get(url).status_code == 200
    fresh = _form(cast, minutes="45", version=str(meeting.version), **{"actions-0-text": ""})
    fresh.pop("actions-0-due_on")
    fresh.pop("actions-0-supervisee")
    assert browser.post(url, fresh).status_code == 302
    stale = {**fresh, "minutes": "90"}
    response = browser.post(url, stale)
    assert response.status_code == 400
    assert "changed elsewhere" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == 45 and meeting.version == 2


def test_totals_per_supervisee_per_month_and_overall(cast: Cast) -> None:
    second = _second_student(cast)
    _log(cast, date(2026, 1, 12), 60)
    _log(cast, date(2026, 1, 26), 30)
    _log(cast, date(2026, 2, 9), 90, cast.users["student"], second)
    totals = {
        t.supervisee.pk: t
        for t in selectors.supervision_totals(
            clinic_id=cast.clinic.pk, supervisor=cast.users["supervisor"]
        )
    }
    student = totals[cast.users["student"].pk]
    assert [(m.month, m.minutes, m.meetings) for m in student.months] == [
        (date(2026, 2, 1), 90, 1),
        (date(2026, 1, 1), 90, 2),
    ]
    assert (student.minutes, student.meetings, student.time) == (180, 3, "3 h")
    assert (totals[second.pk].minutes, totals[second.pk].meetings) == (90, 1)


def test_the_log_page_shows_the_totals_and_the_meetings_newest_first(cast: Cast) -> None:
    _log(cast, date(2026, 1, 12), 60)
    _log(cast, date(2026, 3, 2), 45)
    page = cast.http("supervisor").get(reverse("supervision:log")).content.decode()
    assert page.index("2 March 2026") < page.index("12 January 2026")
    assert "1 h 45 min" in page


def _page_queries(browser, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_the_log_page_query_count_does_not_grow_with_meetings(cast: Cast) -> None:
    browser = cast.http("supervisor")
    url = reverse("supervision:log")
    for day in (2, 3):
        _log(cast, date(2026, 3, day), 30)
    few = _page_queries(browser, url)
    for day in range(4, 16):
        _log(cast, date(2026, 3, day), 30)
    assert _page_queries(browser, url) == few


def test_who_sees_the_log(cast: Cast) -> None:
    meeting = _log(cast, date(2026, 3, 2), 60)
    url = reverse("supervision:log")
    assert meeting.notes in cast.http("student").get(url).content.decode()
    assert meeting.notes not in cast.http("therapist").get(url).content.decode()
    admin_page = cast.http("admin").get(url).content.decode()
    assert meeting.notes not in admin_page and "1 h" in admin_page
    assert cast.http("client").get(url).status_code == 403
    edit = reverse("supervision:log_edit", args=[meeting.pk])
    assert cast.http("student").get(edit).status_code == 403
    assert cast.http("therapist").get(edit).status_code == 404
    assert cast.http("admin").get(edit).status_code == 404


def test_the_student_marks_their_action_done(cast: Cast) -> None:
    meeting = _log(cast, date(2026, 3, 2), 60)
    action = AgreedAction.objects.create(meeting=meeting, text="Read chapter 4.")
    assert (
        cast.http("therapist")
        .post(reverse("supervision:log_action_done", args=[action.pk]))
        .status_code
        == 404
    )
    cast.http("student").post(reverse("supervision:log_action_done", args=[action.pk]))
    action.refresh_from_db()
    assert action.done_on == TODAY


def test_the_api_lists_the_meetings_in_scope(cast: Cast) -> None:
    meeting = _log(cast, date(2026, 3, 2), 60)
    url = "/api/v1/supervision/log"
    mine = cast.http("student").get(url).json()
    assert [m["id"] for m in mine] == [meeting.pk] and mine[0]["minutes"] == 60
    assert cast.http("therapist").get(url).json() == []
    assert cast.http("admin").get(url).status_code == 403
    assert cast.http("client").get(url).status_code == 403
    schema = cast.http(None).get("/api/v1/openapi.json").json()
    assert "/api/v1/supervision/log" in schema["paths"]
    assert "MeetingOut" in schema["components"]["schemas"]
