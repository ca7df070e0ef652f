"""The reminder outbox: due emails go out once, survive a crash, and skip what is moot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django_q.models import Schedule
from icalendar import Calendar

from iptcare.scheduling import services, tasks
from iptcare.scheduling.models import Reminder
from iptcare.scheduling.tests.conftest import SYSTEM, frozen, local, make_client

NOW = datetime(2027, 3, 15, 18, 0, tzinfo=UTC)
EMAIL = "reminded@sched.test"


@pytest.fixture
def booked(cast, clinic_therapist):
    therapist = clinic_therapist([(d, 9, 12, "online") for d in range(5)])
    client = make_client(cast.clinic, therapist, email=EMAIL)
    with frozen(NOW):
        appointment = services.appointment_book(
            actor=SYSTEM,
            client=client,
            therapist=therapist,
            kind="session",
            starts_at=local(2027, 3, 18, 9),
        )
    return appointment


def _mine() -> list[EmailMessage]:
    return [m for m in mail.outbox if m.to == [EMAIL]]


def _run(at: datetime) -> int:
    with frozen(at):
        return tasks.reminders_send_due(now=at)


def test_the_confirmation_goes_now_with_a_calendar_file_and_the_reminder_a_day_before(
    booked,
) -> None:
    _run(NOW)
    assert [m.subject.split(" · ")[0] for m in _mine()] == ["Your appointment is booked"]
    name, content, mimetype = _mine()[0].attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
    assert Calendar.from_ical(content).walk("VEVENT")[0]["status"] == "CONFIRMED"
    assert "9:00 a.m." in _mine()[0].body  # Toronto time, not UTC
    _run(booked.starts_at - timedelta(hours=25))
    assert len(_mine()) == 1
    _run(booked.starts_at - timedelta(hours=24))
    assert len(_mine()) == 2
    reminder = _mine()[1]
    assert "tomorrow" in reminder.body
    assert "questionnaires to answer in the portal" in reminder.body
    assert booked.video_link in reminder.body or "Join here" in reminder.body


def test_running_again_sends_nothing_twice(booked) -> None:
    later = booked.starts_at - timedelta(hours=1)
    _run(later)
    _run(later)
    _run(later)
    assert len(_mine()) == 2
    assert set(Reminder.objects.filter(appointment=booked).values_list("outcome", flat=True)) == {
        "sent"
    }


def test_a_crash_before_the_email_went_out_loses_nothing(booked) -> None:
    # The worker dies after claiming the row: the transaction rolls back, the row stays due.
    with mock.patch.object(EmailMessage, "send", side_effect=ConnectionError("worker died")):
        assert _run(NOW) == 0
    row = Reminder.objects.get(appointment=booked, kind="confirmation")
    assert (row.sent_at, row.attempts, row.last_error) == (None, 1, "ConnectionError")
    assert _mine() == []
    # The restarted worker sends it, once.
    assert _run(NOW) >= 1
    _run(NOW)
    assert len(_mine()) == 1
    row.refresh_from_db()
    assert row.outcome == "sent"


def test_a_crash_after_sending_but_before_marking_sends_again_rather_than_never(booked) -> None:
    """At-least-once, as documented in tasks.py: a rare duplicate, never a lost reminder."""
    original = Reminder.save

    def die_on_mark(self, *args, **kwargs):
        if self.appointment_id == booked.pk and kwargs.get("update_fields") == [
            "sent_at",
            "outcome",
        ]:
            raise ConnectionError("database went away")
        return original(self, *args, **kwargs)

    with mock.patch.object(Reminder, "save", die_on_mark):
        _run(NOW)
    assert Reminder.objects.get(appointment=booked, kind="confirmation").sent_at is None
    _run(NOW)
    assert len(_mine()) == 2
    assert Reminder.objects.get(appointment=booked, kind="confirmation").sent_at is not None


def test_a_failing_email_does_not_hold_up_the_others(booked, cast, clinic_therapist) -> None:
    other = Reminder.objects.get(appointment=booked, kind="confirmation")
    real_send = EmailMessage.send

    def fail_for_first(self, *args, **kwargs):
        if self.to == [EMAIL]:
            raise ConnectionError("mail server refused")
        return real_send(self, *args, **kwargs)

    therapist = clinic_therapist([(d, 9, 12, "in_person") for d in range(5)])
    second = make_client(cast.clinic, therapist, email="second@sched.test")
    with frozen(NOW):
        services.appointment_book(
            actor=SYSTEM,
            client=second,
            therapist=therapist,
            kind="session",
            starts_at=local(2027, 3, 18, 9),
        )
    with mock.patch.object(EmailMessage, "send", fail_for_first):
        _run(NOW)
    assert [m.to for m in mail.outbox if m.to == ["second@sched.test"]] == [["second@sched.test"]]
    other.refresh_from_db()
    assert other.sent_at is None and other.attempts == 1


def test_a_cancelled_appointment_gets_a_cancellation_and_no_reminder(booked) -> None:
    _run(NOW)
    with frozen(NOW):
        services.appointment_cancel(actor=SYSTEM, appointment=booked, by_client=True)
    _run(booked.starts_at - timedelta(hours=2))
    subjects = [m.subject.split(" · ")[0] for m in _mine()]
    assert subjects == ["Your appointment is booked", "Your appointment is cancelled"]
    event = Calendar.from_ical(_mine()[1].attachments[0][1]).walk("VEVENT")[0]
    assert event["status"] == "CANCELLED"
    assert Reminder.objects.get(appointment=booked, kind="reminder").outcome == "skipped"


def test_the_every_minute_schedule_is_created_once(db) -> None:
    tasks.ensure_schedules()
    tasks.ensure_schedules()
    schedule = Schedule.objects.get(name=tasks.SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (tasks.TASK, "I", 1)


def test_the_emails_name_an_ipt_session_and_give_the_time_on_the_clinics_clock(booked) -> None:
    # The session is at 9:00 a.m. in Toronto (13:00 UTC, daylight time).
    _run(NOW)
    with frozen(NOW):
        services.appointment_cancel(actor=SYSTEM, appointment=booked, by_client=True)
    _run(NOW + timedelta(minutes=1))
    confirmation, cancellation = (m.body for m in _mine())
    assert "Your IPT session with" in confirmation and "ipt session" not in confirmation
    assert "Thursday 18 March 2027 at 9:00 a.m. Toronto time." in confirmation
    assert "America/Toronto" not in confirmation
    assert "Your IPT session with" in cancellation
    assert "Thursday 18 March 2027 at 9:00 a.m. Toronto time is cancelled" in cancellation


def test_the_reminder_names_an_ipt_session_on_the_clinics_clock(booked) -> None:
    _run(NOW)
    _run(booked.starts_at - timedelta(hours=24))
    reminder = _mine()[-1].body
    assert "A reminder of your IPT session with" in reminder
    assert "tomorrow, Thursday 18 March 2027 at 9:00 a.m. Toronto time." in reminder
