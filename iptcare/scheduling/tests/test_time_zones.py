"""Times are stored in UTC and read in the clinic's zone, across the November 2026 change
(Toronto leaves daylight time at 2 a.m. on Sunday 1 November 2026)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar

from iptcare.scheduling import selectors, services
from iptcare.scheduling.calendars import appointment_ics
from iptcare.scheduling.kinds import local_window
from iptcare.scheduling.tests.conftest import SYSTEM, TORONTO, frozen, local, make_client

BEFORE_THE_CHANGE = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)
THURSDAY_10_TO_12 = [(3, 10, 12, "in_person"), (6, 0, 4, "online")]


def test_the_same_wall_clock_time_is_a_different_utc_time_either_side_of_the_change(
    cast, clinic_therapist
) -> None:  # type: ignore[no-untyped-def]
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
) -> None:  # type: ignore[no-untyped-def]
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
) -> None:  # type: ignore[no-untyped-def]
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
