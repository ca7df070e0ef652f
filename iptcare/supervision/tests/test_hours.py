"""Practicum hours: filled from attended sessions, adjusted with a reason, signed off,
exported for a school, and shown to the right people."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from weasyprint import HTML

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.courses.models import Course, SessionNote
from iptcare.scheduling.models import Appointment
from iptcare.supervision import selectors, services
from iptcare.supervision.models import HoursAdjustment, HoursSignOff
from tests import factories

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture(autouse=True)
def pinned() -> Iterator[None]:
    when = datetime(2026, 4, 2, 12, tzinfo=ZoneInfo("America/Toronto"))
    with time_machine.travel(when, tick=False):
        yield


@pytest.fixture
def course(cast: Cast) -> Course:
    return factories.open_course(cast.clients["student_client"], start_date=date(2026, 3, 2))


def _sessions(course: Course, days: list[int], attendance: str = "attended") -> list[SessionNote]:
    return [factories.note(course, day=date(2026, 3, d), attendance=attendance) for d in days]


def _hours(cast: Cast):
    return selectors.hours_for(cast.users["student"], period_from=MARCH[0], period_to=MARCH[1])


def _meeting(cast: Cast, day: date, minutes: int = 60):
    return services.meeting_log(
        actor=factories.actor(cast.users["supervisor"], "supervisor"),
        date=day,
        minutes=minutes,
        kind="individual",
        supervisees=[cast.users["student"]],
        notes="Private supervision notes.",
    )


def test_direct_hours_come_from_attended_sessions_only(cast: Cast, course: Course) -> None:
    _sessions(course, [2, 9])
    _sessions(course, [16], attendance="no_show")
    hours = _hours(cast)
    assert [s.date.day for s in hours.sessions] == [2, 9]
    assert hours.direct_minutes == 2 * selectors.USUAL_SESSION_MINUTES == 100
    assert not any(s.from_appointment for s in hours.sessions)


def test_a_booked_appointment_gives_the_session_its_length(cast: Cast, course: Course) -> None:
    factories.weekly_hours(cast.users["student"], [(d, 9, 17, "in_person") for d in range(7)])
    starts = factories.local(cast.clinic, date(2026, 3, 9), 10)
    booked, _invoice = factories.past_appointment(cast.clients["student_client"], starts_at=starts)
    Appointment.objects.filter(pk=booked.pk).update(ends_at=starts + timedelta(minutes=75))
    _sessions(course, [2, 9])
    hours = _hours(cast)
    assert [(s.minutes, s.from_appointment) for s in hours.sessions] == [(50, False), (75, True)]


def test_an_adjustment_with_a_reason_keeps_the_original(cast: Cast, course: Course) -> None:
    (note,) = _sessions(course, [2])
    browser = cast.http("student")
    url = reverse("supervision:hours_adjust", args=[note.pk])
    response = browser.post(url, {"minutes": "80", "reason": "A double session, agreed ahead."})
    assert response.status_code == 302
    adjustment = HoursAdjustment.objects.get()
    assert (adjustment.original_minutes, adjustment.minutes) == (50, 80)
    assert adjustment.by == cast.users["student"]
    assert _hours(cast).direct_minutes == 80
    note.refresh_from_db()
    assert note.version == 1  # the note itself is untouched
    page = browser.get(
        reverse("supervision:hours_of", args=[cast.users["student"].pk]) + "?month=2026-03"
    )
    assert "was 50" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"minutes": "80", "reason": ""}, "Say why the minutes change."),
        ({"minutes": "80", "reason": "short"}, "at least 10 characters"),
        ({"minutes": "0", "reason": "A long enough reason."}, "from 1 to 480"),
        ({"minutes": "²", "reason": "A long enough reason."}, "whole number"),
        ({"minutes": "80", "reason": "x\x00" * 20}, "Null characters"),
        ({"minutes": "80", "reason": "x" * 5000}, "2,000 characters"),
    ],
)
def test_an_adjustment_without_a_good_reason_is_refused(
    cast: Cast, course: Course, data: dict[str, str], message: str
) -> None:
    (note,) = _sessions(course, [2])
    response = cast.http("student").post(reverse("supervision:hours_adjust", args=[note.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not HoursAdjustment.objects.exists()


def test_a_sign_off_goes_out_of_date_when_the_hours_change(cast: Cast, course: Course) -> None:
    _sessions(course, [2, 9])
    _meeting(cast, date(2026, 3, 10))
    browser = cast.http("supervisor")
    student = cast.users["student"]
    sign = (
        reverse("supervision:hours_sign_off", args=[student.pk]) + "?from=2026-03-01&to=2026-03-31"
    )
    assert browser.post(sign).status_code == 302
    sign_off = HoursSignOff.objects.get()
    assert (sign_off.direct_minutes, sign_off.session_count) == (100, 2)
    assert (sign_off.supervision_minutes, sign_off.meeting_count) == (60, 1)
    assert _hours(cast).sign_off_is_current
    assert "Signed off by Dr. Sue Supervisor on" in services.sign_off_sentence(_hours(cast))
    _sessions(course, [16])  # a session added afterwards
    hours = _hours(cast)
    assert not hours.sign_off_is_current
    assert "out of date" in services.sign_off_sentence(hours)
    sign_off.refresh_from_db()
    assert sign_off.direct_minutes == 100  # the snapshot is never changed
    assert cast.http("student").post(sign).status_code == 403
    assert browser.post(sign).status_code == 302  # the supervisor signs the new hours off
    assert HoursSignOff.objects.count() == 2 and _hours(cast).sign_off_is_current


def test_only_the_supervisor_signs_off(cast: Cast, course: Course) -> None:
    _sessions(course, [2])
    url = reverse("supervision:hours_sign_off", args=[cast.users["student"].pk]) + "?month=2026-03"
    assert cast.http("student").post(url).status_code == 403
    assert cast.http("admin").post(url).status_code == 403
    assert not HoursSignOff.objects.exists()


def test_the_csv_lists_sessions_by_chart_number_meetings_totals_and_sign_off(
    cast: Cast, course: Course
) -> None:
    _sessions(course, [2, 9])
    _meeting(cast, date(2026, 3, 10), 45)
    services.hours_sign_off(
        actor=factories.actor(cast.users["supervisor"], "supervisor"), hours=_hours(cast)
    )
    url = reverse("supervision:hours_csv", args=[cast.users["student"].pk]) + "?month=2026-03"
    response = cast.http("student").get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    client = cast.clients["student_client"]
    assert ["Student", "Stu Student"] in rows
    assert ["Clinic", cast.clinic.name] in rows
    assert ["Period", "2026-03-01", "2026-03-31"] in rows
    assert ["2026-03-02", client.chart_number, "50", "", ""] in rows
    assert ["2026-03-10", "Dr. Sue Supervisor", "Individual", "45"] in rows
    assert ["", "2", "100", "1", "45"] in rows
    assert client.legal_name not in text and client.first_name not in text
    assert "Private supervision notes" not in text
    assert any(
        r and r[0] == "Sign-off" and "Signed off by Dr. Sue Supervisor" in r[1] for r in rows
    )
    assert AccessEntry.objects.filter(
        action="export", object_id=str(cast.users["student"].pk)
    ).exists()


def _pdf_text(html: str) -> str:
    document = HTML(string=html).render()
    words: list[str] = []

    def walk(box) -> None:
        if getattr(box, "text", None):
            words.append(box.text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(words)


def test_the_pdf_is_a_pdf_and_says_who_signed_off(cast: Cast, course: Course) -> None:
    _sessions(course, [2])
    services.hours_sign_off(
        actor=factories.actor(cast.users["supervisor"], "supervisor"), hours=_hours(cast)
    )
    url = reverse("supervision:hours_pdf", args=[cast.users["student"].pk]) + "?month=2026-03"
    response = cast.http("supervisor").get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(services.hours_html(_hours(cast)))
    assert "Signed off by Dr. Sue Supervisor on" in text
    assert cast.clients["student_client"].chart_number in text
    assert cast.clients["student_client"].legal_name not in text


def _page_queries(cast: Cast, url: str) -> int:
    browser = cast.http("supervisor")
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_the_hours_page_query_count_does_not_grow_with_sessions(cast: Cast, course: Course) -> None:
    url = reverse("supervision:hours_of", args=[cast.users["student"].pk]) + "?month=2026-03"
    _sessions(course, [2, 3])
    _meeting(cast, date(2026, 3, 4))
    few = _page_queries(cast, url)
    _sessions(course, [5, 6, 9, 10, 11, 12, 13, 16])
    for day in (17, 18, 19):
        _meeting(cast, date(2026, 3, day))
    assert _page_queries(cast, url) == few


def test_who_sees_the_hours(cast: Cast, course: Course) -> None:
    _sessions(course, [2])
    url = reverse("supervision:hours_of", args=[cast.users["student"].pk]) + "?month=2026-03"
    chart = cast.clients["student_client"].chart_number
    assert chart in cast.http("student").get(url).content.decode()
    assert chart in cast.http("supervisor").get(url).content.decode()
    admin = cast.http("admin").get(url)
    assert admin.status_code == 200
    assert chart not in admin.content.decode() and "50 min" in admin.content.decode()
    assert cast.http("therapist2").get(url).status_code == 404
    assert cast.http("other_admin").get(url).status_code == 404
    assert cast.http("client").get(url).status_code == 403
    csv_url = reverse("supervision:hours_csv", args=[cast.users["student"].pk])
    assert cast.http("admin").get(csv_url).status_code == 403
    assert AccessEntry.objects.filter(
        client=cast.clients["student_client"], action="read", user=cast.users["supervisor"]
    ).exists()


def test_a_bad_period_shows_this_month_with_a_message(cast: Cast) -> None:
    base = reverse("supervision:hours_of", args=[cast.users["student"].pk])
    for query in ("?month=9999-99", "?from=9999-12-31&to=2026-01-01", "?from=x&to=y", "?month=²"):
        response = cast.http("student").get(base + query)
        assert response.status_code == 200, query
        assert "showing this month" in response.content.decode()


def test_the_api_gives_the_hours_totals(cast: Cast, course: Course) -> None:
    _sessions(course, [2, 9])
    student = cast.users["student"]
    mine = cast.http("student").get("/api/v1/supervision/hours?month=2026-03").json()
    assert (mine["direct_minutes"], mine["session_count"], mine["signed_off_by"]) == (100, 2, None)
    query = f"/api/v1/supervision/hours?supervisee={student.pk}&month=2026-03"
    assert cast.http("supervisor").get(query).json()["direct_minutes"] == 100
    assert cast.http("admin").get(query).json()["session_count"] == 2
    assert cast.http("therapist2").get(query).status_code == 404
    assert cast.http("client").get(query).status_code == 403
    assert cast.http("student").get("/api/v1/supervision/hours?month=26-3").status_code == 422


def test_the_export_names_the_supervisor_of_the_period_without_a_meeting(
    cast: Cast, course: Course
) -> None:
    _sessions(course, [2])
    assert services.supervisors_named(_hours(cast)) == "Dr. Sue Supervisor"
