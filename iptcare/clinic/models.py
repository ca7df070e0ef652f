from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

DEFAULT_CRISIS_RESOURCES = (
    "If you are thinking about suicide or are worried about someone: call or text 9-8-8 "
    "(Canada's Suicide Crisis Helpline), any time.\n"
    "In an emergency, call 911 or go to your nearest emergency department."
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as America/Toronto.")


class Clinic(models.Model):
    """A clinic; every clinical row belongs to exactly one."""

    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/Toronto", validators=[validate_time_zone]
    )
    crisis_resources = models.TextField(
        default=DEFAULT_CRISIS_RESOURCES,
        help_text="Shown to clients on every portal page and after a risky answer.",
    )
    fourth_focus_area_label = models.CharField(
        max_length=60,
        default="Interpersonal deficits",
        help_text="Your clinic's name for the fourth IPT focus area, e.g. "
        "“Interpersonal sensitivity”.",
    )
    require_staff_two_factor = models.BooleanField(
        "staff must use two-step sign-in",
        default=True,
        help_text="Therapists, supervisors and administrators enter a code from an "
        "authenticator app after their password. Strongly recommended: staff see "
        "clinical records.",
    )
    flag_unsent_risk_answers = models.BooleanField(
        "raise a risk flag before the questionnaire is sent",
        default=True,
        help_text="When a client picks a risky answer (such as PHQ-9 item 9) in the portal, "
        "their therapist is told at once, even if the client leaves without sending. "
        "Turned off, the flag is raised only when the answers are sent.",
    )
    # Chart numbers are handed out from this counter inside a locked transaction.
    next_chart_number = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class TherapistProfile(models.Model):
    """What a therapist is allowed to practise as, and who supervises a student."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", "Registered therapist"
        PRACTICUM = "practicum", "Practicum student"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="therapists")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist_profile"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REGISTERED)
    profession = models.CharField(
        max_length=100, blank=True, help_text="e.g. Registered Social Worker (RSW)"
    )
    credentials = models.CharField(max_length=100, blank=True, help_text="e.g. MSW, RSW")
    regulatory_college = models.CharField(max_length=200, blank=True)
    registration_number = models.CharField(max_length=50, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisees",
        help_text="Required for practicum students.",
    )
    bio = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="practicum") | models.Q(supervisor__isnull=False),
                name="practicum_student_has_supervisor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"

    @property
    def is_practicum(self) -> bool:
        return self.kind == self.Kind.PRACTICUM

    def clean(self) -> None:
        if self.kind == self.Kind.PRACTICUM and not self.supervisor_id:
            raise ValidationError({"supervisor": "A practicum student needs a supervisor."})
        if self.kind == self.Kind.REGISTERED and not self.registration_number:
            raise ValidationError(
                {"registration_number": "A registered therapist needs a registration number."}
            )
