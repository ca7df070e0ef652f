"""Supervision of IPT: the review of practicum students' notes, fidelity ratings, the
supervision log, practicum hours and certification progress."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


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


class NoteReview(models.Model):
    """A supervisor's decision on one signed version of a practicum student's note: the
    co-signature, or a return for revision with a general comment and comments on named
    parts of the note ({note field name: text}). The note itself keeps its lifecycle in
    courses; this is what the supervisor said."""

    class Decision(models.TextChoices):
        COSIGNED = "cosigned", "Co-signed"
        RETURNED = "returned", "Returned for revision"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    note = models.ForeignKey(
        "courses.SessionNote", on_delete=models.PROTECT, related_name="reviews"
    )
    note_version = models.ForeignKey(
        "courses.NoteVersion", on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    part_comments = models.JSONField(default=dict, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["note", "decision", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.note} (version {self.note_version_id})"


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
