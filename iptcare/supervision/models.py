"""Supervision of IPT: the review of practicum students' notes, fidelity ratings, the
supervision log, practicum hours and certification progress."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class SupervisionSettings(models.Model):
    """A clinic's choices for supervision: which fidelity scale its supervisors rate with,
    the mean below which a supervisee's recent sessions draw a drift notice, how long a
    note may wait for co-signature before it is marked late, and the certification
    standard its tracker follows. Scales and standards are data, named by their code."""

    clinic = models.OneToOneField(
        "clinic.Clinic", on_delete=models.PROTECT, related_name="supervision_settings"
    )
    fidelity_scale_code = models.CharField("fidelity scale", max_length=60, blank=True)
    pass_mark = models.DecimalField(
        "fidelity pass mark",
        max_digits=3,
        decimal_places=1,
        default=Decimal("3.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text="A supervisee whose last three rated sessions average below this gets a "
        "drift notice.",
    )
    cosign_limit_days = models.PositiveSmallIntegerField(
        "days a note may wait for co-signature",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    certification_standard_code = models.CharField(
        "certification standard", max_length=60, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "supervision settings"

    def __str__(self) -> str:
        return f"Supervision settings of clinic {self.clinic_id}"


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


FIDELITY_PHASES = [("initial", "Initial phase"), ("middle", "Middle phase")]
FIDELITY_PHASES += [("termination", "Termination phase")]


class FidelityScale(models.Model):
    """A rating scale for IPT fidelity, as data. `clinic` is None for the scale IPTCare
    ships, else the clinic that loaded it. Loading the same code with a new version makes
    a new scale: ratings keep the version they were made with."""

    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=20)
    score_min = models.PositiveSmallIntegerField()
    score_max = models.PositiveSmallIntegerField()
    allows_not_applicable = models.BooleanField(default=False)
    source = models.CharField("source or credit", max_length=300, blank=True)
    description = models.TextField(blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=models.Q(clinic__isnull=True),
                name="one_shipped_fidelity_scale_per_version",
            ),
            models.UniqueConstraint(
                fields=["clinic", "code", "version"],
                condition=models.Q(clinic__isnull=False),
                name="one_clinic_fidelity_scale_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def range_label(self) -> str:
        return f"{self.score_min}–{self.score_max}"


class FidelityItem(models.Model):
    """One item of a scale: what is rated, in which phases, and what chosen scores look
    like (`anchors`: {"1": "...", "3": "...", "5": "..."})."""

    scale = models.ForeignKey(FidelityScale, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField()
    group = models.CharField(max_length=30)
    text = models.TextField()
    anchors = models.JSONField(default=dict)
    phases = models.JSONField(default=list)

    class Meta:
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="one_fidelity_item_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:40]}"

    def applies_to(self, phase: str) -> bool:
        return phase in self.phases


class FidelityRating(models.Model):
    """A rating of one session, from its note: by a supervisor of the note's author, or
    by the author themselves. One per note, rater and kind; saving again edits it."""

    class Kind(models.TextChoices):
        SUPERVISOR = "supervisor", "Supervisor's rating"
        SELF = "self", "Self-rating"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    note = models.ForeignKey(
        "courses.SessionNote", on_delete=models.PROTECT, related_name="fidelity_ratings"
    )
    scale = models.ForeignKey(FidelityScale, on_delete=models.PROTECT, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The session's phase when it was rated: it chose the items, so it stays with them.
    phase = models.CharField(max_length=12, choices=FIDELITY_PHASES)
    recording_reference = models.CharField(
        "recording (where it is kept)", max_length=500, blank=True
    )
    comment = models.TextField(blank=True)
    # The mean of the scored items (not applicable ones left out); None when none scored.
    mean = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["note", "rater", "kind"], name="one_fidelity_rating_per_rater_and_kind"
            )
        ]
        indexes = [models.Index(fields=["clinic", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of note {self.note_id}"


class FidelityScore(models.Model):
    rating = models.ForeignKey(FidelityRating, on_delete=models.PROTECT, related_name="scores")
    item = models.ForeignKey(FidelityItem, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # None: not applicable

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rating", "item"], name="one_fidelity_score_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score if self.score is not None else 'n/a'}"


# --- Supervision log -----------------------------------------------------------------------


class SupervisionMeeting(models.Model):
    """One supervision meeting: who met, for how long, which clients were discussed (by
    chart number) and which recordings were reviewed (references only: the recordings are
    held elsewhere and never stored here)."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    supervisees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="supervision_meetings_attended"
    )
    clients_discussed = models.ManyToManyField("clients.Client", related_name="+", blank=True)
    recordings_reviewed = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["clinic", "supervisor", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=480),
                name="supervision_meeting_minutes_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} supervision on {self.date} ({self.minutes} min)"


class AgreedAction(models.Model):
    """Something agreed at a meeting, for one supervisee or for everyone present."""

    meeting = models.ForeignKey(
        SupervisionMeeting, on_delete=models.PROTECT, related_name="actions"
    )
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


# --- Practicum hours -----------------------------------------------------------------------


class HoursAdjustment(models.Model):
    """A correction of one session's minutes in a student's hours, with the reason, who
    and when. The session note is never changed: the hours read the latest adjustment and
    keep the minutes they would have had (`original_minutes`) beside it."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.ForeignKey("courses.SessionNote", on_delete=models.PROTECT, related_name="+")
    original_minutes = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["supervisee", "note"])]

    def __str__(self) -> str:
        return f"{self.original_minutes} → {self.minutes} min for note {self.note_id}"


class HoursSignOff(models.Model):
    """The supervisor's sign-off of a supervisee's hours for a period, with the totals as
    they were at signing. `fingerprint` digests the rows signed, so a later change in the
    period (a new session, an adjustment, an edited meeting) shows the sign-off as out of
    date instead of silently changing what was signed."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    period_from = models.DateField()
    period_to = models.DateField()
    direct_minutes = models.PositiveIntegerField()
    session_count = models.PositiveIntegerField()
    supervision_minutes = models.PositiveIntegerField()
    meeting_count = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        indexes = [models.Index(fields=["supervisee", "period_from", "period_to"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="hours_sign_off_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"Hours of {self.supervisee_id} {self.period_from}–{self.period_to} signed off"


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
