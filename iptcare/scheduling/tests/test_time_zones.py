"""Times are stored in UTC and read in the clinic's zone, across the November 2026 change
(Toronto leaves daylight time at 2 a.m. on Sunday 1 November 2026)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from iptcare.core import dates
from iptcare.scheduling import selectors, services
from iptcare.scheduling.calendars import appointment_ics, therapist_feed_ics
from iptcare.scheduling.kinds import local_window, reminder_due_at
from iptcare.scheduling.models import Reminder
from iptcare.scheduling.tests.conftest import SYSTEM, TORONTO, frozen, local, make_client

BEFORE_THE_CHANGE = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)
THURSDAY_10_TO_12 = [(3, 10, 12, "in_person"), (6, 0, 4, "online")]


def test_the_same_wall_clock_time_is_a_different_utc_time_either_side_of_the_change(
    cast, clinic_therapist
) -> None:
    therapist = clinic_therapist(THURSDAY_10_TO_12)
    client = make_client(cast.clinic, therapist)
    with frozen(BEFORE_THE_CHANGE):
        before = services.appointment_book(
            actor=SYSTEM,
            client=client,
            therapist=therapist,
            kind="session",
            starts_at=local(2026, 10, 29, 10),
        )
        after = services.appointment_book(
            actor=SYSTEM,
            client=client,
            therapist=therapist,
            kind="session",
            starts_at=local(2026, 11, 5, 10),
        )
    before.refresh_from_db()
    after.refresh_from_db()
    assert before.starts_at == datetime(2026, 10, 29, 14, 0, tzinfo=UTC)  # EDT, UTC-4
    assert after.starts_at == datetime(2026, 11, 5, 15, 0, tzinfo=UTC)  # EST, UTC-5
    assert after.starts_at - before.starts_at == timedelta(days=7, hours=1)
    for appointment in (before, after):
        assert appointment.starts_at.astimezone(TORONTO).time() == time(10, 0)


def test_the_week_of_slots_across_the_change_stays_at_ten_oclock_local(
    cast, clinic_therapist
) -> None:
    therapist = clinic_therapist([(3, 10, 11, "in_person")])
    with frozen(BEFORE_THE_CHANGE):
        slots = selectors.free_slots(
            therapist,
            clinic=cast.clinic,
            kind="session",
            first=date(2026, 10, 26),
            days=14,
            not_before=BEFORE_THE_CHANGE,
        )
    assert [s.starts_at for s in slots] == [
        datetime(2026, 10, 29, 14, 0, tzinfo=UTC),
        datetime(2026, 11, 5, 15, 0, tzinfo=UTC),
    ]


def test_a_window_that_spans_the_change_holds_the_sessions_that_really_fit() -> None:
    # Midnight to 4 a.m. on 1 November 2026 lasts five real hours (1 a.m. happens twice).
    window = local_window(date(2026, 11, 1), time(0), time(4), TORONTO, "online")
    assert window.ends_at - window.starts_at == timedelta(hours=5)
    from iptcare.scheduling.kinds import slot_starts

    starts = list(slot_starts(window, 50))
    assert len(starts) == 5
    assert len(set(starts)) == 5


def test_the_skipped_hour_in_march_moves_forward_rather_than_backward() -> None:
    window = local_window(date(2027, 3, 14), time(2, 30), time(4), TORONTO, "online")
    assert window.starts_at == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)  # 3:30 EDT


def test_the_calendar_file_carries_utc_times_that_read_right_in_toronto(
    cast, clinic_therapist
) -> None:
    therapist = clinic_therapist(THURSDAY_10_TO_12)
    client = make_client(cast.clinic, therapist)
    with frozen(BEFORE_THE_CHANGE):
        appointment = services.appointment_book(
            actor=SYSTEM,
            client=client,
            therapist=therapist,
            kind="session",
            starts_at=local(2026, 11, 5, 10),
        )
    event = Calendar.from_ical(appointment_ics(appointment)).walk("VEVENT")[0]
    starts = event.decoded("dtstart")
    assert starts == datetime(2026, 11, 5, 15, 0, tzinfo=UTC)
    assert starts.astimezone(TORONTO).hour == 10


# --- Across the changes of 2027 (14 March: 2 a.m. becomes 3 a.m.; 7 November: 2 a.m. -----
# becomes 1 a.m.), with the clock pinned well before them.

EARLY_2027 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
MONDAYS_10_TO_11 = [(0, 10, 11, "in_person")]
SUNDAYS_ALL_DAY = [(6, 0, 23, "online")]


def _book(therapist, client, starts_at: datetime):
    return services.appointment_book(
        actor=SYSTEM, client=client, therapist=therapist, kind="session", starts_at=starts_at
    )


@pytest.mark.parametrize(
    ("first_monday", "weeks"),
    [(date(2027, 3, 1), 4), (date(2027, 10, 25), 4)],
    ids=["spring-forward", "fall-back"],
)
def test_a_weekly_ten_oclock_session_stays_at_ten_across_the_change(
    cast, clinic_therapist, first_monday: date, weeks: int
) -> None:
    therapist = clinic_therapist(MONDAYS_10_TO_11)
    client = make_client(cast.clinic, therapist)
    with time_machine.travel(datetime.combine(first_monday, time(6), tzinfo=UTC), tick=False):
        slots = selectors.free_slots(
            therapist,
            clinic=cast.clinic,
            kind="session",
            first=first_monday,
            days=7 * weeks,
            not_before=timezone.now(),
        )
        booked = [_book(therapist, client, slot.starts_at) for slot in slots]
    assert len(booked) == weeks
    for week, appointment in enumerate(booked):
        local_start = appointment.starts_at.astimezone(TORONTO)
        assert local_start.date() == first_monday + timedelta(weeks=week)
        assert local_start.time() == time(10, 0)
    # The real gap between two Mondays' sessions is 7 days give or take the hour that changed.
    gaps = {b.starts_at - a.starts_at for a, b in zip(booked, booked[1:], strict=False)}
    assert timedelta(days=7) in gaps and len(gaps) == 2


@pytest.mark.parametrize(
    ("sunday", "due_utc"),
    [
        # Sunday 14 March 10 a.m. EDT: the reminder goes Saturday 10 a.m. EST (23 hours before).
        (date(2027, 3, 14), datetime(2027, 3, 13, 15, 0, tzinfo=UTC)),
        # Sunday 7 November 10 a.m. EST: Saturday 10 a.m. EDT (25 hours before).
        (date(2027, 11, 7), datetime(2027, 11, 6, 14, 0, tzinfo=UTC)),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_the_reminder_goes_the_day_before_at_the_same_clinic_clock_time(
    cast, clinic_therapist, sunday: date, due_utc: datetime
) -> None:
    therapist = clinic_therapist(SUNDAYS_ALL_DAY)
    client = make_client(cast.clinic, therapist)
    with time_machine.travel(sunday - timedelta(days=20), tick=False):
        appointment = _book(therapist, client, local(sunday.year, sunday.month, sunday.day, 10))
    reminder = Reminder.objects.get(appointment=appointment, kind=Reminder.Kind.REMINDER)
    assert reminder.due_at == due_utc
    assert reminder.due_at.astimezone(TORONTO).time() == time(10, 0)
    assert reminder.due_at.astimezone(TORONTO).date() == sunday - timedelta(days=1)


def test_the_reminder_of_a_time_the_change_skipped_the_day_before_moves_forward() -> None:
    # Monday 15 March 2:30 a.m.: there was no 2:30 on Sunday 14 March; it becomes 3:30 EDT.
    due = reminder_due_at(local(2027, 3, 15, 2, 30), TORONTO)
    assert due == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)


def test_calendar_files_carry_the_clinics_zone_and_its_local_times(cast, clinic_therapist) -> None:
    therapist = clinic_therapist(MONDAYS_10_TO_11)
    client = make_client(cast.clinic, therapist)
    with time_machine.travel(EARLY_2027, tick=False):
        march = _book(therapist, client, local(2027, 3, 8, 10))
        after = _book(therapist, client, local(2027, 3, 15, 10))
        invitation = appointment_ics(after)
        feed = therapist_feed_ics([march, after], name="Test")
    for content, events in ((invitation, 1), (feed, 2)):
        text = content.decode()
        cal = Calendar.from_ical(content)
        zones = cal.walk("VTIMEZONE")
        assert [str(z["tzid"]) for z in zones] == ["America/Toronto"]
        assert {"STANDARD", "DAYLIGHT"} <= {c.name for c in zones[0].subcomponents}
        assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
        assert "DTSTART;TZID=America/Toronto:20270315T100000" in text
        assert "DTEND;TZID=America/Toronto:20270315T105000" in text
        assert len(cal.walk("VEVENT")) == events
        for event in cal.walk("VEVENT"):
            assert event.decoded("dtstart").astimezone(TORONTO).time() == time(10, 0)
    assert "DTSTART;TZID=America/Toronto:20270308T100000" in feed.decode()
    starts = Calendar.from_ical(invitation).walk("VEVENT")[0].decoded("dtstart")
    assert starts == datetime(2027, 3, 15, 14, 0, tzinfo=UTC)  # EDT, the same instant


@pytest.mark.parametrize(
    ("monday", "sunday_times"),
    [
        # 1 a.m. EST, then (the hour skipped) 3 a.m. and 10 a.m. EDT.
        (
            date(2027, 3, 8),
            [
                datetime(2027, 3, 14, 6, 0, tzinfo=UTC),
                datetime(2027, 3, 14, 7, 0, tzinfo=UTC),
                datetime(2027, 3, 14, 14, 0, tzinfo=UTC),
            ],
        ),
        # 1 a.m. EDT and 1 a.m. EST (the hour happens twice), then 10 a.m. EST.
        (
            date(2027, 11, 1),
            [
                datetime(2027, 11, 7, 5, 0, tzinfo=UTC),
                datetime(2027, 11, 7, 6, 0, tzinfo=UTC),
                datetime(2027, 11, 7, 15, 0, tzinfo=UTC),
            ],
        ),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_the_week_of_the_change_shows_each_appointment_once_on_its_day_at_its_local_time(
    cast, clinic_therapist, monday: date, sunday_times: list[datetime]
) -> None:
    therapist = clinic_therapist(MONDAYS_10_TO_11 + SUNDAYS_ALL_DAY)
    client = make_client(cast.clinic, therapist)
    with time_machine.travel(monday - timedelta(days=14), tick=False):
        booked = [_book(therapist, client, local(monday.year, monday.month, monday.day, 10))]
        booked += [_book(therapist, client, moment) for moment in sunday_times]
        # The next Monday belongs to the next week.
        next_monday = monday + timedelta(days=7)
        _book(therapist, client, local(next_monday.year, next_monday.month, next_monday.day, 10))
        page = cast.http("admin").get(
            reverse("scheduling:schedule") + f"?therapist={therapist.pk}&week={monday}"
        )
    assert page.status_code == 200
    html = page.content.decode()
    days = re.findall(
        r'<li class="card week__day[^"]*">(.*?)</li>\s*(?=<li class="card|</ol>)', html, re.S
    )
    assert len(days) == 7
    links = [re.findall(r"/scheduling/appointments/(\d+)/", day) for day in days]
    assert links[0] == [str(booked[0].pk)]
    assert links[6] == [str(a.pk) for a in booked[1:]]
    assert sum(len(found) for found in links) == len(booked)
    monday_label = f"{dates.weekday(monday)}"
    assert monday_label in days[0]
    assert "10:00 a.m.–10:50 a.m." in days[0]
    sunday_clock = [dates.clock(a.starts_at, TORONTO) for a in booked[1:]]
    assert re.findall(r'<span class="week__time">([^–]+)–', days[6]) == sunday_clock
    assert sunday_clock[-1] == "10:00 a.m."
