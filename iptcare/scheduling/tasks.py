"""Background work: sending the appointment emails in the Reminder outbox.

Delivery is at-least-once. Each row is claimed (locked; on PostgreSQL other workers skip
it), sent, and marked sent in one transaction. If the worker dies after the mail server
accepted the message but before the commit, the row is still unsent and goes out again
on the next run: a client may rarely get a reminder twice, but never loses one. Exactly-
once would need the mail server to deduplicate, which SMTP cannot promise; for a
reminder a rare duplicate is the lesser harm.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iptcare.scheduling import selectors
from iptcare.scheduling.calendars import appointment_ics
from iptcare.scheduling.models import Appointment, Reminder

log = logging.getLogger(__name__)

SCHEDULE_NAME = "Send due appointment emails"
TASK = "iptcare.scheduling.tasks.reminders_send_due"
# A row that keeps failing stops being retried after this many attempts.
MAX_ATTEMPTS = 5
SUBJECTS: dict[str, str] = {
    Reminder.Kind.CONFIRMATION: "Your appointment is booked",
    Reminder.Kind.REMINDER: "Reminder: your appointment tomorrow",
    Reminder.Kind.CANCELLATION: "Your appointment is cancelled",
}


def _recipient(appointment: Appointment) -> str:
    if appointment.client is not None:
        return appointment.client.email
    return appointment.requester_email


def _still_wanted(reminder: Reminder) -> bool:
    """A reminder or confirmation for an appointment that was cancelled meanwhile is moot."""
    status = reminder.appointment.status
    if reminder.kind == Reminder.Kind.CANCELLATION:
        return status in (Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED)
    return status == Appointment.Status.BOOKED and reminder.appointment.starts_at > timezone.now()


def build_message(reminder: Reminder) -> EmailMessage:
    appointment = reminder.appointment
    clinic = appointment.clinic
    client = appointment.client
    context = {
        "reminder": reminder,
        "appointment": appointment,
        "clinic": clinic,
        "name": client.first_name if client is not None else appointment.requester_name,
        "when": appointment.starts_at,
        "has_portal": client is not None and client.user_id is not None,
        "portal_link": settings.SITE_URL.rstrip("/") + reverse("scheduling:my_appointments"),
        "notice_hours": selectors.scheduling_settings_for(clinic).notice_hours,
    }
    # Dates in the email read in the clinic's time zone, whatever the worker's zone is.
    with timezone.override(selectors.zone_of(clinic)):
        body = render_to_string(f"scheduling/email/{reminder.kind}.txt", context)
    message = EmailMessage(
        subject=f"{SUBJECTS[reminder.kind]} · {clinic.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[_recipient(appointment)],
    )
    if reminder.kind != Reminder.Kind.REMINDER:
        message.attach("appointment.ics", appointment_ics(appointment), "text/calendar")
    return message


def _claim(now: datetime, skip: set[int]) -> Reminder | None:
    rows = Reminder.objects.filter(sent_at=None, due_at__lte=now, attempts__lt=MAX_ATTEMPTS)
    if skip:
        rows = rows.exclude(pk__in=skip)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows.order_by("due_at", "pk").first()


def reminders_send_due(now: datetime | None = None) -> int:
    """Send every outbox email due by `now`; safe to run any number of times at once.
    Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    failed: set[int] = set()
    while True:
        reminder: Reminder | None = None
        try:
            with transaction.atomic():
                reminder = _claim(now, failed)
                if reminder is None:
                    return sent
                reminder = Reminder.objects.select_related(
                    "appointment__clinic", "appointment__client", "appointment__therapist"
                ).get(pk=reminder.pk)
                outcome = Reminder.Outcome.SKIPPED
                if _still_wanted(reminder) and _recipient(reminder.appointment):
                    build_message(reminder).send()
                    outcome = Reminder.Outcome.SENT
                    sent += 1
                reminder.sent_at = timezone.now()
                reminder.outcome = outcome
                reminder.save(update_fields=["sent_at", "outcome"])
        except Exception as exc:  # one bad row must not stop the others
            if reminder is None:
                raise
            failed.add(reminder.pk)
            Reminder.objects.filter(pk=reminder.pk).update(
                attempts=reminder.attempts + 1, last_error=type(exc).__name__[:200]
            )
            log.warning("appointment email %s failed: %s", reminder.pk, type(exc).__name__)


def ensure_schedules(**kwargs: object) -> None:
    """The every-minute run of `reminders_send_due` (created once, kept up to date)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": TASK, "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1},
    )
