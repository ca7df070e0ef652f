"""The clinic's public face (content, colour, logo), intake requests and the client's
pre-treatment self-reflection."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from iptcare.intake import content
from iptcare.intake.colours import validate_primary_colour


class PublicSite(models.Model):
    """What the public pages say, in the clinic's own words, and how they look."""

    clinic = models.OneToOneField(
        "clinic.Clinic", on_delete=models.PROTECT, related_name="public_site"
    )
    host = models.CharField(
        max_length=200,
        blank=True,
        help_text="The web address these pages answer on, e.g. ipt.example.ca (optional "
        "when IPTCare serves one clinic).",
    )
    tagline = models.CharField(max_length=200, default=content.TAGLINE)
    welcome = models.TextField(default=content.WELCOME, help_text="The home page's opening.")
    about_ipt = models.TextField("What IPT is", default=content.ABOUT_IPT)
    what_to_expect = models.TextField(default=content.WHAT_TO_EXPECT)
    focus_grief = models.TextField("Grief", default=content.FOCUS_GRIEF)
    focus_role_dispute = models.TextField("Role disputes", default=content.FOCUS_ROLE_DISPUTE)
    focus_role_transition = models.TextField(
        "Role transitions (life changes)", default=content.FOCUS_ROLE_TRANSITION
    )
    focus_fourth = models.TextField(
        "The fourth focus area",
        default=content.FOCUS_FOURTH,
        help_text="Its title is the clinic's label for the fourth focus area (clinic settings).",
    )
    adaptations = models.TextField("Adaptations we offer", default=content.ADAPTATIONS)
    fees_note = models.TextField(blank=True, default=content.FEES_NOTE)
    contact_note = models.TextField(
        blank=True, default=content.CONTACT_NOTE, help_text="Office hours, directions, parking."
    )
    primary_colour = models.CharField(
        max_length=7,
        default="#1d4f91",
        validators=[validate_primary_colour],
        help_text="Header and button colour as #rrggbb; white text must stay readable on it.",
    )
    # The logo lives in the database (a few kilobytes, checked on upload) so that every
    # app server sees it without shared media storage; a view serves it.
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_content_type = models.CharField(max_length=40, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["host"], condition=~models.Q(host=""), name="public_site_host_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Public pages of {self.clinic}"

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_content_type)


class IntakeRequest(models.Model):
    """Someone asking the clinic for help. Pre-client PHI: reads are audited."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        CONSULTATION_BOOKED = "consultation_booked", "Consultation booked"
        DECLINED = "declined", "Declined"
        REFERRED = "referred", "Referred elsewhere"
        CONVERTED = "converted", "Converted to a client"

    class AgeGroup(models.TextChoices):
        ADULT = "adult", "Adult (18 or older)"
        ADOLESCENT = "adolescent", "Adolescent (13 to 18)"

    class ContactMethod(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"

    class TherapistPreference(models.TextChoices):
        REGISTERED = "registered", "A registered therapist"
        PRACTICUM = "practicum", "A practicum student under supervision (reduced fee)"
        EITHER = "either", "Either is fine"

    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.PROTECT, related_name="intake_requests"
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NEW)
    full_name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices)
    # From the public form since it asks for the date of birth (older requests have none);
    # the age group follows from it there.
    date_of_birth = models.DateField(null=True, blank=True)
    age_group = models.CharField(max_length=12, choices=AgeGroup.choices)
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_relationship = models.CharField(max_length=100, blank=True)
    guardian_phone = models.CharField(max_length=40, blank=True)
    guardian_email = models.EmailField(blank=True)
    concerns = models.TextField("What brings you")
    life_changes = models.JSONField(default=list, blank=True)
    life_change_other = models.CharField(max_length=200, blank=True)
    preferred_times = models.JSONField(default=list, blank=True)
    preferred_times_note = models.CharField(max_length=300, blank=True)
    therapist_preference = models.CharField(max_length=12, choices=TherapistPreference.choices)
    consent_to_contact = models.BooleanField(default=False)
    # A keyed hash of the sender's IP: enough to rate-limit, not enough to trace anyone.
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    client = models.OneToOneField(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_request",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["clinic", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"Intake request {self.pk} ({self.get_status_display()})"

    @property
    def life_change_labels(self) -> list[str]:
        labels = dict(content.LIFE_CHANGES)
        shown = [labels.get(code, code) for code in self.life_changes if code != "other"]
        if "other" in self.life_changes:
            shown.append(f"Other: {self.life_change_other}" if self.life_change_other else "Other")
        return shown

    @property
    def preferred_time_labels(self) -> list[str]:
        labels = dict(content.PREFERRED_TIMES)
        return [labels.get(code, code) for code in self.preferred_times]


class IntakeEvent(models.Model):
    """One step in working a request: who did what, when. Append-only."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Request received"
        STATUS = "status", "Status changed"
        NOTE = "note", "Note"
        CONVERTED = "converted", "Client created"

    request = models.ForeignKey(IntakeRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def from_label(self) -> str:
        return IntakeRequest.Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return IntakeRequest.Status(self.to_status).label if self.to_status else ""


class SelfReflection(models.Model):
    """The client's own look at their difficulties before the first session.

    Only the client writes it (so no version field); the care team reads it.
    """

    class Pattern(models.TextChoices):
        RECUR = "recur", "They keep coming back"
        COME_AND_GO = "come_and_go", "They come and go"
        CONSTANT = "constant", "They are there most of the time"
        NOT_SURE = "not_sure", "I'm not sure"

    class Duration(models.TextChoices):
        WEEKS = "weeks", "A few weeks"
        MONTHS = "months", "A few months"
        YEAR = "year", "About a year"
        YEARS = "years", "More than a year"
        LONG = "long", "As long as I can remember"

    class Related(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        NOT_SURE = "not_sure", "I'm not sure"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.OneToOneField(
        "clients.Client", on_delete=models.PROTECT, related_name="self_reflection"
    )
    mood_situations = models.TextField(blank=True)
    symptom_pattern = models.CharField(max_length=12, choices=Pattern.choices, blank=True)
    duration = models.CharField(max_length=8, choices=Duration.choices, blank=True)
    duration_note = models.CharField(max_length=300, blank=True)
    impact = models.JSONField(default=dict, blank=True)  # {sphere code: 0..10}
    impact_note = models.TextField(blank=True)
    related_to_loss = models.CharField(max_length=10, choices=Related.choices, blank=True)
    related_note = models.TextField(blank=True)
    distress = models.JSONField(default=dict, blank=True)  # {life area code: 0..10}
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Self-reflection of client {self.client_id}"

    @property
    def impact_rows(self) -> list[tuple[str, str, int | None]]:
        """(code, label, 0–10 or None when not answered) for each sphere, in order."""
        return [(code, label, self.impact.get(code)) for code, label in content.IMPACT_SPHERES]

    @property
    def distress_rows(self) -> list[tuple[str, str, int | None]]:
        return [(code, label, self.distress.get(code)) for code, label in content.LIFE_AREAS]

    @property
    def answered(self) -> int:
        """How many of the five questions and the life areas have an answer."""
        questions = [
            self.mood_situations,
            self.symptom_pattern,
            self.duration,
            self.impact or self.impact_note,
            self.related_to_loss,
        ]
        return sum(1 for q in questions if q) + (1 if self.distress else 0)
