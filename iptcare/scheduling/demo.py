"""Demo schedules: weekly hours, time off, booked/cancelled/attended appointments, invoices
and payments, placed relative to today. Loading again changes nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.clinic.demo import SYSTEM, DemoContext
from iptcare.scheduling import services
from iptcare.scheduling.kinds import KINDS
from iptcare.scheduling.models import (
    Appointment,
    AvailabilityException,
    Fee,
    Location,
    Payment,
    Reminder,
    SchedulingSettings,
    WeeklyAvailability,
)
from iptcare.scheduling.selectors import zone_of

IN, ONLINE = Location.IN_PERSON, Location.ONLINE
WEEKLY = {
    # therapist email: (weekday, start hour, end hour, location)
    "therapist@demo.iptcare.test": [
        (0, 9, 12, IN),
        (0, 13, 17, IN),
        (1, 9, 12, IN),
        (1, 13, 17, IN),
        (2, 9, 12, IN),
        (2, 13, 17, IN),
        (3, 9, 12, IN),
        (3, 13, 17, IN),
        (4, 9, 13, ONLINE),
    ],
    "therapist2@demo.iptcare.test": [
        (1, 10, 18, IN),
        (2, 10, 18, ONLINE),
        (3, 10, 18, IN),
        (4, 10, 16, IN),
    ],
    "student@demo.iptcare.test": [(0, 13, 19, IN), (2, 13, 19, IN), (3, 16, 20, ONLINE)],
}
FEES = {
    "therapist@demo.iptcare.test": {
        "consultation": "0",
        "session": "160",
        "guardian": "160",
        "group": "60",
    },
    "therapist2@demo.iptcare.test": {
        "consultation": "0",
        "session": "150",
        "guardian": "150",
        "group": "60",
    },
    # Sessions with the student cost the clinic's reduced rate (no fee of their own).
    "student@demo.iptcare.test": {"consultation": "0", "group": "30"},
}


def _first_day(after: date, weekdays: set[int]) -> date:
    day = after
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int, context: DemoContext) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone_of(context.clinic))


def _past(
    context: DemoContext, client: Client, therapist: User, starts: datetime, status: str
) -> Appointment:
    """An appointment that already happened (the booking rules refuse the past)."""
    return Appointment.objects.create(
        clinic=context.clinic,
        therapist=therapist,
        client=client,
        kind="session",
        location=IN,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=KINDS["session"].minutes),
        status=status,
        created_at=starts - timedelta(days=7),
        marked_at=starts + timedelta(hours=1) if status != "late_cancelled" else None,
        cancelled_at=starts - timedelta(hours=5) if status == "late_cancelled" else None,
        cancel_reason="cancelled by the client" if status == "late_cancelled" else "",
    )


def _invoice_paid(appointment: Appointment, paid_on: date | None, method: str) -> None:
    invoice = services.invoice_create(actor=SYSTEM, appointment=appointment)
    if invoice is not None and paid_on is not None:
        Payment.objects.create(
            invoice=invoice,
            amount=invoice.amount,
            method=method,
            received_on=paid_on,
            reference="demo",
            recorded_by=User.objects.get(email="admin@demo.iptcare.test"),
        )


def _client_history(
    context: DemoContext,
    client: Client,
    therapist: User,
    *,
    weekdays: set[int],
    hour: int,
    past: list[tuple[int, str, str | None]],
) -> None:
    """Two upcoming weekly sessions (the second cancelled in time by the client) and
    `past` = (weeks ago, status, payment method or None) before them."""
    today = timezone.now().astimezone(zone_of(context.clinic)).date()
    anchor = _first_day(today + timedelta(days=3), weekdays)
    services.appointment_book(
        actor=SYSTEM,
        client=client,
        therapist=therapist,
        kind="session",
        starts_at=_at(anchor, hour, context),
    )
    later = services.appointment_book(
        actor=SYSTEM,
        client=client,
        therapist=therapist,
        kind="session",
        starts_at=_at(anchor + timedelta(days=7), hour, context),
    )
    services.appointment_cancel(
        actor=SYSTEM, appointment=later, by_client=True, reason="away for work that week"
    )
    for weeks_ago, status, method in past:
        day = anchor - timedelta(days=7 * weeks_ago)
        appointment = _past(context, client, therapist, _at(day, hour, context), status)
        if status in Appointment.BILLABLE:
            _invoice_paid(appointment, day + timedelta(days=1) if method else None, method or "")


def load_demo(context: DemoContext) -> None:
    clinic = context.clinic
    SchedulingSettings.objects.get_or_create(
        clinic=clinic,
        defaults={
            "video_link": "https://video.demo.iptcare.test/maple-grove",
            "notice_hours": 24,
            "practicum_rate": Decimal("40.00"),
        },
    )
    for email, fees in FEES.items():
        therapist = context.users[email]
        for kind, amount in fees.items():
            Fee.objects.get_or_create(
                therapist=therapist,
                kind=kind,
                defaults={"clinic": clinic, "amount": Decimal(amount)},
            )
    for email, windows in WEEKLY.items():
        therapist = context.users[email]
        if WeeklyAvailability.objects.filter(therapist=therapist).exists():
            continue
        for weekday, start, end, location in windows:
            WeeklyAvailability.objects.create(
                clinic=clinic,
                therapist=therapist,
                weekday=weekday,
                starts=time(start),
                ends=time(end),
                location=location,
            )
    jordan = context.clients["Jordan Lee"]
    if Appointment.objects.filter(client=jordan).exists():
        return
    today = timezone.now().astimezone(zone_of(clinic)).date()
    AvailabilityException.objects.create(
        clinic=clinic,
        therapist=context.users["therapist2@demo.iptcare.test"],
        starts_on=today + timedelta(days=15),
        ends_on=today + timedelta(days=19),
        reason="Conference",
    )
    AvailabilityException.objects.create(
        clinic=clinic,
        therapist=None,
        starts_on=today + timedelta(days=25),
        ends_on=today + timedelta(days=25),
        reason="Clinic closed: staff training",
    )
    _client_history(
        context,
        jordan,
        context.users["therapist@demo.iptcare.test"],
        weekdays={0, 1, 2, 3},
        hour=10,
        past=[
            (5, "late_cancelled", "debit"),
            (4, "attended", "etransfer"),
            (3, "attended", "etransfer"),
            (2, "attended", "etransfer"),
            (1, "attended", None),
        ],
    )
    _client_history(
        context,
        context.clients["Benjamin Cho"],
        context.users["student@demo.iptcare.test"],
        weekdays={0, 2},
        hour=14,
        past=[(3, "no_show", None), (2, "attended", "cash"), (1, "attended", None)],
    )
    _client_history(
        context,
        context.clients["Maria Santos"],
        context.users["therapist2@demo.iptcare.test"],
        weekdays={1, 3},
        hour=11,
        past=[(1, "attended", "insurer")],
    )
    # A newcomer's consultation, booked from the public pages and confirmed by email.
    therapist2 = context.users["therapist2@demo.iptcare.test"]
    day = _first_day(today + timedelta(days=3), {1, 3})
    starts = _at(day, 15, context)
    Appointment.objects.create(
        clinic=clinic,
        therapist=therapist2,
        kind="consultation",
        location=IN,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=KINDS["consultation"].minutes),
        status=Appointment.Status.BOOKED,
        requester_name="Riley Chen",
        requester_email="riley.chen@example.test",
        requester_phone="416-555-0177",
    )
    # Synthetic bookings need no confirmation emails; the day-before reminders stay queued
    # so the worker has something to send in the demo.
    Reminder.objects.filter(
        appointment__clinic=clinic, sent_at=None, due_at__lte=timezone.now()
    ).update(sent_at=timezone.now(), outcome=Reminder.Outcome.SKIPPED)
    context.report.created.append("schedules and appointments")
