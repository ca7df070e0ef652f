"""Writes: booking, cancelling, moving, attendance, invoices, payments, availability.

Every function is keyword-only and atomic; bad input raises SchedulingError with a message
a person can read and nothing is saved. Emails go through the Reminder outbox, sent by
`tasks.reminders_send_due` after commit.

No double booking: the booking transaction locks the therapist's row before it looks for
overlaps, so two requests for one therapist run one after the other (SQLite takes its
write lock at BEGIN IMMEDIATE); on PostgreSQL an exclusion constraint backs this up.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import User, hash_token
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic
from iptcare.core import dates
from iptcare.scheduling import selectors
from iptcare.scheduling.kinds import KINDS, reminder_due_at
from iptcare.scheduling.models import (
    Appointment,
    AvailabilityException,
    CalendarFeed,
    Fee,
    Invoice,
    Location,
    Payment,
    Reminder,
    SchedulingSettings,
    WeeklyAvailability,
)
from iptcare.scheduling.rules import is_inside_notice_period

# How long a new person's unconfirmed request holds the time before others may take it.
PENDING_HOLD = timedelta(hours=2)
# The furthest ahead anyone can book.
BOOKING_HORIZON = timedelta(days=180)


class SchedulingError(ValueError):
    """A booking or billing change the clinic's rules do not allow; `field` names the
    form field the message belongs beside, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _kick_queue() -> None:
    """Ask the worker to send due emails now rather than at the next minute's run."""
    from django_q.tasks import async_task

    async_task("iptcare.scheduling.tasks.reminders_send_due", task_name="reminders_send_due")


def _locked_settings(clinic_id: int) -> SchedulingSettings:
    found, _ = SchedulingSettings.objects.select_for_update().get_or_create(clinic_id=clinic_id)
    return found


def _when(moment: datetime, clinic: Clinic) -> str:
    """Tuesday 4 August 2026 at 10:00 a.m. Toronto time"""
    zone = selectors.zone_of(clinic)
    return f"{dates.weekday(moment, zone)} at {dates.clock_in_zone(moment, zone)}"


def _check_time(
    *, clinic: Clinic, kind: str, starts_at: datetime, channel: str, notice_hours: int
) -> None:
    if kind not in KINDS:
        raise SchedulingError("Choose an appointment type.", field="kind")
    spec = KINDS[kind]
    if not spec.bookable or channel not in spec.booked_by:
        raise SchedulingError(f"{spec.label} cannot be booked here.", field="kind")
    if timezone.is_naive(starts_at):
        raise SchedulingError("Choose a time from the list.", field="starts_at")
    now = timezone.now()
    if starts_at <= now:
        raise SchedulingError(
            "That time has already passed. Choose a later time.", field="starts_at"
        )
    if starts_at > now + BOOKING_HORIZON:
        raise SchedulingError(
            "Appointments can be booked up to six months ahead.", field="starts_at"
        )
    if channel != "staff" and starts_at < now + timedelta(hours=notice_hours):
        raise SchedulingError(
            f"Appointments are booked at least {notice_hours} hours ahead. Choose a later "
            f"time, or call {clinic.phone or 'the clinic'}.",
            field="starts_at",
        )


def _book(
    *,
    actor: Actor,
    clinic: Clinic,
    therapist: User,
    kind: str,
    starts_at: datetime,
    channel: str,
    client: Client | None = None,
    status: str = Appointment.Status.BOOKED,
    **extra: object,
) -> Appointment:
    config = selectors.scheduling_settings_for(clinic)
    _check_time(
        clinic=clinic,
        kind=kind,
        starts_at=starts_at,
        channel=channel,
        notice_hours=config.notice_hours,
    )
    if therapist.clinic_id != clinic.pk or not therapist.is_therapist or not therapist.is_active:
        raise SchedulingError("Choose one of the clinic's therapists.", field="therapist")
    if client is not None and client.clinic_id != clinic.pk:
        raise SchedulingError("Choose one of the clinic's clients.", field="client")
    slot = selectors.slot_is_available(therapist, clinic=clinic, kind=kind, starts_at=starts_at)
    if slot is None:
        raise SchedulingError(
            f"{therapist.full_name} does not see clients at that time. Choose a time from "
            "the list.",
            field="starts_at",
        )
    # The lock that serialises bookings for this therapist (see the module docstring).
    User.objects.select_for_update().filter(pk=therapist.pk).first()
    now = timezone.now()
    Appointment.objects.filter(
        therapist=therapist, status=Appointment.Status.PENDING, hold_expires_at__lte=now
    ).update(status=Appointment.Status.EXPIRED)
    clash = Appointment.objects.filter(
        therapist=therapist,
        status__in=Appointment.HOLDING,
        starts_at__lt=slot.ends_at,
        ends_at__gt=slot.starts_at,
    ).exists()
    if clash:
        raise SchedulingError(
            "That time has just been booked by someone else. Choose another time.",
            field="starts_at",
        )
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                clinic=clinic,
                therapist=therapist,
                client=client,
                kind=kind,
                location=slot.location,
                video_link=config.video_link if slot.location == Location.ONLINE else "",
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                status=status,
                booked_by=actor.user,
                created_at=now,
                **extra,
            )
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint caught a race
        raise SchedulingError(
            "That time has just been booked by someone else. Choose another time.",
            field="starts_at",
        ) from exc
    if status == Appointment.Status.BOOKED:
        _queue_booking_emails(appointment)
    if client is not None:
        access_record(
            actor=actor,
            action="create",
            client=client,
            target=appointment,
            detail=f"booked {kind} for {slot.starts_at:%Y-%m-%d %H:%M} UTC",
        )
    return appointment


def _queue_booking_emails(appointment: Appointment) -> None:
    now = timezone.now()
    Reminder.objects.create(appointment=appointment, kind=Reminder.Kind.CONFIRMATION, due_at=now)
    reminder_at = reminder_due_at(appointment.starts_at, selectors.zone_of(appointment.clinic))
    if reminder_at > now:
        Reminder.objects.create(
            appointment=appointment, kind=Reminder.Kind.REMINDER, due_at=reminder_at
        )
    transaction.on_commit(_kick_queue)


@transaction.atomic
def appointment_book(
    *,
    actor: Actor,
    client: Client,
    therapist: User,
    kind: str,
    starts_at: datetime,
    by_client: bool = False,
) -> Appointment:
    """Book a client's appointment: by staff (any time ahead) or by the client in the
    portal (with one of their own therapists, at least the notice period ahead)."""
    if by_client and not client.therapists.filter(pk=therapist.pk).exists():
        raise SchedulingError("Choose one of your own therapists.", field="therapist")
    return _book(
        actor=actor,
        clinic=client.clinic,
        therapist=therapist,
        kind=kind,
        starts_at=starts_at,
        channel="portal" if by_client else "staff",
        client=client,
    )


@transaction.atomic
def consultation_request(
    *,
    actor: Actor,
    clinic: Clinic,
    therapist: User,
    starts_at: datetime,
    name: str,
    email: str,
    phone: str,
) -> tuple[Appointment, str]:
    """A new person asks for an initial consultation from the public pages. The time is
    held for PENDING_HOLD while they confirm through the emailed link (which proves the
    address is theirs). Returns the appointment and the raw link token."""
    name, email, phone = name.strip(), email.strip().lower(), phone.strip()
    if len(name) < 2:
        raise SchedulingError("Tell us your name.", field="name")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise SchedulingError(
            "Enter an email address such as name@example.com.", field="email"
        ) from exc
    if sum(ch.isdigit() for ch in phone) < 7:
        raise SchedulingError("Enter a phone number with at least 7 digits.", field="phone")
    now = timezone.now()
    open_request = (
        Appointment.objects.filter(
            clinic=clinic,
            requester_email=email,
            kind="consultation",
            starts_at__gt=now,
            status__in=[Appointment.Status.PENDING, Appointment.Status.BOOKED],
        )
        .exclude(status=Appointment.Status.PENDING, hold_expires_at__lte=now)
        .first()
    )
    if open_request is not None:
        raise SchedulingError(
            "This email address already has a consultation on "
            f"{_when(open_request.starts_at, clinic)}. Check your email, or call "
            f"{clinic.phone or 'the clinic'} to change it.",
            field="email",
        )
    token = secrets.token_urlsafe(32)
    appointment = _book(
        actor=actor,
        clinic=clinic,
        therapist=therapist,
        kind="consultation",
        starts_at=starts_at,
        channel="public",
        status=Appointment.Status.PENDING,
        requester_name=name,
        requester_email=email,
        requester_phone=phone,
        confirm_token_hash=hash_token(token),
        hold_expires_at=now + PENDING_HOLD,
    )
    link = settings.SITE_URL.rstrip("/") + reverse("scheduling:public_confirm", args=[token])
    # The link is not stored anywhere, so this email goes straight out after commit.
    transaction.on_commit(lambda: _confirm_link_email(appointment, link))
    return appointment, token


def _confirm_link_email(appointment: Appointment, link: str) -> None:
    context = {
        "appointment": appointment,
        "link": link,
        "clinic": appointment.clinic,
        "when": _when(appointment.starts_at, appointment.clinic),
        "hold_hours": int(PENDING_HOLD.total_seconds() // 3600),
    }
    send_mail(
        subject=f"Please confirm your consultation with {appointment.clinic.name}",
        message=render_to_string("scheduling/email/confirm_link.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[appointment.requester_email],
    )


def consultation_for_token(token: str) -> Appointment | None:
    if not token or len(token) > 100:
        return None
    return (
        Appointment.objects.select_related("clinic", "therapist")
        .filter(confirm_token_hash=hash_token(token))
        .first()
    )


def consultation_confirm(*, token: str) -> Appointment:
    """The new person followed the emailed link: the consultation is booked. A hold that
    has run out is marked expired (kept, though the confirmation is refused)."""
    with transaction.atomic():
        appointment, refusal = _confirm_hold(token)
    if refusal:
        raise SchedulingError(refusal)
    return appointment


def _confirm_hold(token: str) -> tuple[Appointment, str]:
    """Confirm the hold, or say why not; never raises, so what it wrote is committed."""
    found = consultation_for_token(token)
    if found is None:
        raise SchedulingError("This confirmation link is not valid.")  # nothing written yet
    appointment = Appointment.objects.select_for_update().get(pk=found.pk)
    if appointment.status == Appointment.Status.BOOKED:
        return appointment, "This consultation is already confirmed."
    expired = (
        appointment.hold_expires_at is not None and appointment.hold_expires_at <= timezone.now()
    )
    if appointment.status != Appointment.Status.PENDING or expired:
        if appointment.status == Appointment.Status.PENDING:
            appointment.status = Appointment.Status.EXPIRED
            appointment.save(update_fields=["status"])
        return appointment, "This link has expired and the time was released. Please book again."
    appointment.status = Appointment.Status.BOOKED
    appointment.hold_expires_at = None
    appointment.save(update_fields=["status", "hold_expires_at"])
    _queue_booking_emails(appointment)
    return appointment, ""


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("clinic", "client", "therapist")
        .get(pk=appointment.pk)
    )


def _cancel(*, actor: Actor, appointment: Appointment, by_client: bool, reason: str) -> Appointment:
    appointment = _lock(appointment)
    if appointment.status not in (Appointment.Status.BOOKED, Appointment.Status.PENDING):
        status = appointment.get_status_display().lower()
        raise SchedulingError(f"This appointment cannot be cancelled: it is {status}.")
    now = timezone.now()
    if appointment.starts_at <= now:
        raise SchedulingError(
            "This appointment has already started. Mark it attended or not attended instead."
        )
    notice = selectors.scheduling_settings_for(appointment.clinic_id).notice_hours
    late = by_client and is_inside_notice_period(appointment, notice_hours=notice, now=now)
    appointment.status = Appointment.Status.LATE_CANCELLED if late else Appointment.Status.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = actor.user
    appointment.cancel_reason = reason.strip()[:200] or (
        "cancelled by the client" if by_client else "cancelled by the clinic"
    )
    appointment.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    Reminder.objects.get_or_create(
        appointment=appointment, kind=Reminder.Kind.CANCELLATION, defaults={"due_at": now}
    )
    transaction.on_commit(_kick_queue)
    if appointment.client is not None:
        access_record(
            actor=actor,
            action="update",
            client=appointment.client,
            target=appointment,
            detail=f"{appointment.status}: {appointment.cancel_reason}",
        )
        if late:
            invoice_create(actor=actor, appointment=appointment)
    return appointment


@transaction.atomic
def appointment_cancel(
    *, actor: Actor, appointment: Appointment, by_client: bool, reason: str = ""
) -> Appointment:
    """Cancel a booked appointment. When the client cancels inside the notice period it is
    recorded as late and invoiced; the clinic cancelling is never billed to the client."""
    return _cancel(actor=actor, appointment=appointment, by_client=by_client, reason=reason)


@transaction.atomic
def appointment_reschedule(
    *, actor: Actor, appointment: Appointment, starts_at: datetime, by_client: bool
) -> Appointment:
    """Move an appointment to another free time with the same therapist: the old one is
    cancelled (not late) and points to the new one."""
    if appointment.client is None:
        raise SchedulingError("Only a client's appointment can be moved.")
    if appointment.status != Appointment.Status.BOOKED:
        raise SchedulingError(
            f"This appointment cannot be moved: it is {appointment.get_status_display().lower()}."
        )
    notice = selectors.scheduling_settings_for(appointment.clinic_id).notice_hours
    if by_client and is_inside_notice_period(appointment, notice_hours=notice):
        raise SchedulingError(
            f"Appointments can be moved online up to {notice} hours before they start. "
            f"Please call {appointment.clinic.phone or 'the clinic'}.",
            field="starts_at",
        )
    old = _cancel(actor=actor, appointment=appointment, by_client=False, reason="moved")
    new = _book(
        actor=actor,
        clinic=old.clinic,
        therapist=old.therapist,
        kind=old.kind,
        starts_at=starts_at,
        channel="portal" if by_client else "staff",
        client=old.client,
    )
    old.rescheduled_to = new
    old.save(update_fields=["rescheduled_to"])
    return new


@transaction.atomic
def appointment_mark(*, actor: Actor, appointment: Appointment, outcome: str) -> Invoice | None:
    """Record whether the client came. Attending creates the invoice (when a fee is set)."""
    if outcome not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        raise SchedulingError("Choose attended or did not attend.", field="outcome")
    appointment = _lock(appointment)
    if appointment.status != Appointment.Status.BOOKED:
        raise SchedulingError(
            f"This appointment is {appointment.get_status_display().lower()}; it cannot be "
            "marked again."
        )
    if appointment.starts_at > timezone.now():
        raise SchedulingError("This appointment has not started yet.")
    appointment.status = outcome
    appointment.marked_at = timezone.now()
    appointment.save(update_fields=["status", "marked_at"])
    if appointment.client is None:
        return None
    access_record(
        actor=actor, action="update", client=appointment.client, target=appointment, detail=outcome
    )
    if outcome == Appointment.Status.ATTENDED:
        return invoice_create(actor=actor, appointment=appointment)
    return None


@transaction.atomic
def appointment_attach_client(
    *, actor: Actor, appointment: Appointment, client: Client
) -> Appointment:
    """Link a new person's consultation to the client record made for them."""
    appointment = _lock(appointment)
    if client.clinic_id != appointment.clinic_id:
        raise SchedulingError("Choose one of the clinic's clients.", field="client")
    if appointment.client_id not in (None, client.pk):
        raise SchedulingError("This appointment already belongs to another client.")
    appointment.client = client
    appointment.save(update_fields=["client"])
    access_record(
        actor=actor,
        action="update",
        client=client,
        target=appointment,
        detail="consultation linked",
    )
    return appointment


# ---------------------------------------------------------------------------
# Invoices and payments


@transaction.atomic
def invoice_create(*, actor: Actor, appointment: Appointment) -> Invoice | None:
    """The invoice for an attended or late-cancelled appointment; the existing one if it was
    made before; None when no fee applies (no fee set, or a free consultation)."""
    existing = Invoice.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    if appointment.status not in Appointment.BILLABLE or appointment.client is None:
        raise SchedulingError("Only an attended or late-cancelled appointment is invoiced.")
    therapist = User.objects.select_related("therapist_profile").get(pk=appointment.therapist_id)
    amount, _ = selectors.fee_amount(therapist, appointment.kind)
    if not amount:
        return None
    config = _locked_settings(appointment.clinic_id)
    number = f"INV-{config.next_invoice_number:05d}"
    SchedulingSettings.objects.filter(pk=config.pk).update(
        next_invoice_number=config.next_invoice_number + 1
    )
    service = KINDS[appointment.kind].label
    if appointment.status == Appointment.Status.LATE_CANCELLED:
        service = f"Late cancellation: {service}"
    invoice = Invoice.objects.create(
        clinic_id=appointment.clinic_id,
        appointment=appointment,
        client=appointment.client,
        therapist=therapist,
        number=number,
        service=service,
        amount=amount,
    )
    access_record(
        actor=actor, action="create", client=appointment.client, target=invoice, detail=number
    )
    return invoice


@transaction.atomic
def payment_record(
    *,
    actor: Actor,
    invoice: Invoice,
    amount: Decimal,
    method: str,
    received_on: date,
    reference: str = "",
) -> Payment:
    invoice = (
        Invoice.objects.select_for_update().select_related("client", "clinic").get(pk=invoice.pk)
    )
    if method not in Payment.Method.values:
        raise SchedulingError("Choose how it was paid.", field="method")
    if amount is None or amount <= 0:
        raise SchedulingError("Enter an amount above zero.", field="amount")
    paid = sum((p.amount for p in invoice.payments.all()), Decimal("0"))
    owing = invoice.amount - paid
    if amount > owing:
        raise SchedulingError(
            f"That is more than the {owing:.2f} still owed on {invoice.number}.", field="amount"
        )
    if received_on > timezone.now().astimezone(selectors.zone_of(invoice.clinic)).date():
        raise SchedulingError("The payment date cannot be in the future.", field="received_on")
    if received_on < invoice.issued_at.date() - timedelta(days=366):
        raise SchedulingError(
            "Check the payment date: it is long before the invoice.", field="received_on"
        )
    payment = Payment.objects.create(
        invoice=invoice,
        amount=amount,
        method=method,
        received_on=received_on,
        reference=reference.strip()[:80],
        recorded_by=actor.person,
    )
    access_record(
        actor=actor,
        action="create",
        client=invoice.client,
        target=payment,
        detail=f"{invoice.number}: {amount} {method}",
    )
    return payment


# ---------------------------------------------------------------------------
# Availability, settings, fees, calendar feeds


@transaction.atomic
def availability_add(
    *, actor: Actor, therapist: User, weekday: int, starts: time, ends: time, location: str
) -> WeeklyAvailability:
    if weekday not in WeeklyAvailability.Weekday.values:
        raise SchedulingError("Choose a day of the week.", field="weekday")
    if location not in Location.values:
        raise SchedulingError("Choose in person or online.", field="location")
    if ends <= starts:
        raise SchedulingError("The end must be after the start.", field="ends")
    overlapping = WeeklyAvailability.objects.filter(
        therapist=therapist, weekday=weekday, starts__lt=ends, ends__gt=starts
    ).first()
    if overlapping is not None:
        raise SchedulingError(
            f"This overlaps the existing {overlapping}. Change or remove that one first.",
            field="starts",
        )
    window = WeeklyAvailability.objects.create(
        clinic_id=therapist.home_clinic_id,
        therapist=therapist,
        weekday=weekday,
        starts=starts,
        ends=ends,
        location=location,
    )
    access_record(actor=actor, action="create", client=None, target=window, detail=str(window))
    return window


@transaction.atomic
def availability_remove(*, actor: Actor, window: WeeklyAvailability) -> None:
    """Booked appointments stay booked; only new bookings stop using this window."""
    access_record(
        actor=actor, action="update", client=None, target=window, detail=f"removed {window}"
    )
    window.delete()


@transaction.atomic
def time_off_add(
    *,
    actor: Actor,
    clinic: Clinic,
    therapist: User | None,
    starts_on: date,
    ends_on: date,
    reason: str,
) -> tuple[AvailabilityException, int]:
    """Days off for one therapist, or a clinic holiday (therapist None). Returns the
    exception and how many booked appointments fall inside it (they are not cancelled
    automatically: someone should tell those clients)."""
    reason = reason.strip()
    if not reason:
        raise SchedulingError("Say what the time off is for (e.g. Holiday).", field="reason")
    if ends_on < starts_on:
        raise SchedulingError("The last day cannot be before the first.", field="ends_on")
    if ends_on < timezone.now().astimezone(selectors.zone_of(clinic)).date():
        raise SchedulingError("That time off is already over.", field="ends_on")
    if (ends_on - starts_on).days > 366:
        raise SchedulingError("Time off can be at most a year at once.", field="ends_on")
    exception = AvailabilityException.objects.create(
        clinic=clinic,
        therapist=therapist,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason[:120],
    )
    tz = selectors.zone_of(clinic)
    from iptcare.scheduling.kinds import local_midnight

    affected = Appointment.objects.filter(
        clinic=clinic,
        status=Appointment.Status.BOOKED,
        starts_at__gte=local_midnight(starts_on, tz),
        starts_at__lt=local_midnight(ends_on + timedelta(days=1), tz),
    )
    if therapist is not None:
        affected = affected.filter(therapist=therapist)
    access_record(
        actor=actor, action="create", client=None, target=exception, detail=str(exception)
    )
    return exception, affected.count()


@transaction.atomic
def time_off_remove(*, actor: Actor, exception: AvailabilityException) -> None:
    access_record(
        actor=actor, action="update", client=None, target=exception, detail=f"removed {exception}"
    )
    exception.delete()


@transaction.atomic
def scheduling_settings_update(
    *, actor: Actor, clinic: Clinic, video_link: str, notice_hours: int, practicum_rate: Decimal
) -> SchedulingSettings:
    config = _locked_settings(clinic.pk)
    config.video_link = video_link
    config.notice_hours = notice_hours
    config.practicum_rate = practicum_rate
    try:
        config.full_clean(exclude=["clinic"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise SchedulingError(messages[0], field=field) from exc
    config.save()
    access_record(
        actor=actor, action="update", client=None, target=config, detail="booking settings"
    )
    return config


@transaction.atomic
def fee_set(*, actor: Actor, therapist: User, kind: str, amount: Decimal | None) -> Fee | None:
    """Set a therapist's fee for a type of appointment; None removes it (a practicum student
    then charges the clinic's reduced rate)."""
    if kind not in KINDS:
        raise SchedulingError("Choose an appointment type.", field="kind")
    if not therapist.is_therapist:
        raise SchedulingError("Choose a therapist.", field="therapist")
    if amount is not None and amount < 0:
        raise SchedulingError("A fee cannot be negative.", field="amount")
    Fee.objects.filter(therapist=therapist, kind=kind).delete()
    fee = None
    if amount is not None:
        fee = Fee.objects.create(
            clinic_id=therapist.home_clinic_id, therapist=therapist, kind=kind, amount=amount
        )
    access_record(
        actor=actor,
        action="update",
        client=None,
        object_type="scheduling.fee",
        object_id=str(therapist.pk),
        detail=f"{kind}: {amount if amount is not None else 'removed'}",
    )
    return fee


@transaction.atomic
def calendar_feed_create(*, actor: Actor, therapist: User) -> tuple[CalendarFeed, str]:
    """A new private feed address; any earlier address stops working."""
    now = timezone.now()
    CalendarFeed.objects.filter(therapist=therapist, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        therapist=therapist, token_hash=hash_token(token), created_at=now
    )
    access_record(actor=actor, action="create", client=None, target=feed, detail="calendar feed")
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, actor: Actor, therapist: User) -> int:
    revoked = CalendarFeed.objects.filter(therapist=therapist, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    access_record(
        actor=actor,
        action="update",
        client=None,
        object_type="scheduling.calendarfeed",
        object_id=str(therapist.pk),
        detail="calendar feed revoked",
    )
    return revoked


def feed_therapist_for_token(token: str) -> User | None:
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("therapist")
        .filter(token_hash=hash_token(token), revoked_at=None)
        .first()
    )
    return feed.therapist if feed is not None and feed.therapist.is_active else None
