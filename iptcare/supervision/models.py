"""Supervision of IPT: the review of practicum students' notes, fidelity ratings, the
supervision log, practicum hours and certification progress."""

from __future__ import annotations

from decimal import Decimal

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


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
