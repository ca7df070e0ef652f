from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from iptcare.scheduling.kinds import KIND_CHOICES, KINDS


class Location(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"


class SchedulingSettings(models.Model):
    """A clinic's booking rules, video link and reduced rate (one row per clinic)."""

    clinic = models.OneToOneField(
        "clinic.Clinic", on_delete=models.PROTECT, related_name="scheduling_settings"
    )
    video_link = models.URLField(
        blank=True,
        help_text="Your clinic's own video tool; put on every online appointment.",
    )
    notice_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Clients book, move and cancel at least this many hours ahead; a later "
        "cancellation is recorded as late and is billable.",
    )
    practicum_rate = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("40.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="The reduced fee for a session with a practicum student.",
    )
    # Invoice numbers are handed out from this counter inside a locked transaction.
    next_invoice_number = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name_plural = "scheduling settings"

    def __str__(self) -> str:
        return f"Booking settings of {self.clinic}"


class Fee(models.Model):
    """What a therapist charges for one appointment type."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fees"
    )
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    amount = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["therapist", "kind"], name="one_fee_per_kind"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.therapist}: {self.get_kind_display()} {self.amount}"


class WeeklyAvailability(models.Model):
    """A recurring window in which a therapist takes appointments (clinic's wall clock)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="weekly_availability"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()
    location = models.CharField(max_length=20, choices=Location.choices)

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="window_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class AvailabilityException(models.Model):
    """Days a therapist (or, without a therapist, the whole clinic) takes no appointments."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="availability_exceptions",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=120)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="exception_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.starts_on}–{self.ends_on})"


class Appointment(models.Model):
    """One booked time with a therapist. Never deleted: cancelled ones keep their history."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for email confirmation"
        BOOKED = "booked", "Booked"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not attend"
        CANCELLED = "cancelled", "Cancelled"
        LATE_CANCELLED = "late_cancelled", "Cancelled late"
        EXPIRED = "expired", "Not confirmed in time"

    # The statuses that hold the therapist's time; mirrored by the PostgreSQL constraint.
    HOLDING = (Status.PENDING, Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)
    BILLABLE = (Status.ATTENDED, Status.LATE_CANCELLED)

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    # Empty for a new person's consultation request until the clinic makes them a client.
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    location = models.CharField(max_length=20, choices=Location.choices)
    video_link = models.URLField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    # A new person's contact details, given on the public booking page.
    requester_name = models.CharField(max_length=200, blank=True)
    requester_email = models.EmailField(blank=True)
    requester_phone = models.CharField(max_length=40, blank=True)
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    rescheduled_to = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rescheduled_from",
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["therapist", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=False) | ~Q(requester_email=""),
                name="appointment_has_someone_to_see",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def who(self) -> str:
        return self.client.display_name if self.client else self.requester_name

    @property
    def kind_in_sentence(self) -> str:
        """The type as written mid-sentence: "IPT session", "initial consultation"."""
        kind = KINDS.get(self.kind)
        return kind.in_sentence if kind is not None else str(self.get_kind_display())

    @property
    def is_upcoming(self) -> bool:
        return self.status == self.Status.BOOKED and self.starts_at > timezone.now()


class Reminder(models.Model):
    """The outbox of appointment emails; a background task sends what is due."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Booking confirmation"
        REMINDER = "reminder", "Reminder a day before"
        CANCELLATION = "cancellation", "Cancellation notice"

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not needed any more"

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "kind"], name="one_reminder_per_kind")
        ]
        indexes = [models.Index(fields=["sent_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for appointment {self.appointment_id}"


class CalendarFeed(models.Model):
    """A private .ics address for a therapist's calendar app; only the token's hash is kept."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed of {self.therapist}"


class Invoice(models.Model):
    """The bill for one attended or late-cancelled appointment."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="invoice"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="invoices")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(max_length=20)
    service = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "number"], name="invoice_number_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="invoice_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """Money received for an invoice, recorded by staff (no card processing)."""

    class Method(models.TextChoices):
        ETRANSFER = "etransfer", "e-Transfer"
        DEBIT = "debit", "Debit"
        CREDIT = "credit", "Credit card (at the desk)"
        CASH = "cash", "Cash"
        CHEQUE = "cheque", "Cheque"
        INSURER = "insurer", "Paid by insurer"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    method = models.CharField(max_length=20, choices=Method.choices)
    received_on = models.DateField()
    reference = models.CharField(max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.amount} on {self.received_on}"
