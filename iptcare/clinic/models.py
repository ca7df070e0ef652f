from __future__ import annotations

import zoneinfo
from datetime import date

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
    """What a therapist is allowed to practise as (who supervises them: SupervisionLink)."""

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
    bio = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"

    @property
    def is_practicum(self) -> bool:
        return self.kind == self.Kind.PRACTICUM

    def clean(self) -> None:
        # A practicum student's supervisor is a SupervisionLink: the clinic services that
        # create staff and end links see that one is current (a model cannot).
        if self.kind == self.Kind.REGISTERED and not self.registration_number:
            raise ValidationError(
                {"registration_number": "A registered therapist needs a registration number."}
            )


class SupervisionLink(models.Model):
    """One supervisor supervising one person (a practicum student, or a registered
    therapist working toward certification) from `starts_on` to `ends_on` (open when
    null), both the clinic's dates. A supervisee may have several current links, at most
    one of them primary at a time (checked by `clinic.services`, under a lock)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="supervision_links")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervising_links"
    )
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervised_links"
    )
    is_primary = models.BooleanField("primary supervisor", default=False)
    starts_on = models.DateField("from")
    ends_on = models.DateField("to", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["supervisor", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="supervision_link_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("supervisee")),
                name="supervision_link_not_self",
            ),
            # What SQL can say of "no overlap" (the services check the rest): one open
            # link per pair, and one open primary link per supervisee.
            models.UniqueConstraint(
                fields=["supervisor", "supervisee"],
                condition=models.Q(ends_on__isnull=True),
                name="supervision_link_one_open_per_pair",
            ),
            models.UniqueConstraint(
                fields=["supervisee"],
                condition=models.Q(ends_on__isnull=True, is_primary=True),
                name="supervision_link_one_open_primary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.supervisee}"

    def is_current_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
