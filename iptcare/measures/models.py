"""Questionnaire answers, measurement plans and risk flags.

Clinical rows here are never deleted: responses and flags keep `on_delete=PROTECT`, and the
flag querysets refuse `delete()` so that no code path can lose a risk record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from iptcare.measures import instruments

INSTRUMENT_CHOICES = [(i.code, i.short_name) for i in instruments.ALL]


class NeverDeletedError(Exception):
    """Raised on any attempt to delete a response or a risk flag."""


class UndeletableQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise NeverDeletedError("Questionnaire answers and risk flags are never deleted.")


class UndeletableModel(models.Model):
    objects = UndeletableQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise NeverDeletedError("Questionnaire answers and risk flags are never deleted.")


class ClinicInstrument(models.Model):
    """A clinic's choice to use (or not use) one instrument; no row means the default."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=10, choices=INSTRUMENT_CHOICES)
    enabled = models.BooleanField(default=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "code"], name="clinic_instrument_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {'on' if self.enabled else 'off'}"


class MeasurementPlan(models.Model):
    """Which questionnaires a course's client answers, and at which sessions."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.PROTECT, related_name="measurement_plan"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Measurement plan for course {self.course_id}"


class PlanItem(models.Model):
    class When(models.TextChoices):
        EVERY_SESSION = "every", "Every session"
        FIRST_MIDDLE_LAST = "first_middle_last", "First, middle and last session"
        FIRST_AND_LAST = "first_last", "First and last session"

    plan = models.ForeignKey(MeasurementPlan, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=10, choices=INSTRUMENT_CHOICES)
    when = models.CharField(max_length=20, choices=When.choices, default=When.EVERY_SESSION)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plan_item_unique")]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_when_display().lower()})"


class QuestionnaireResponse(UndeletableModel):
    """One administration of a questionnaire, scored by `scoring.score` when stored."""

    class Administered(models.TextChoices):
        PORTAL = "portal", "In the portal"
        IN_SESSION = "in_session", "In session"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    code = models.CharField(max_length=10, choices=INSTRUMENT_CHOICES)
    session_number = models.PositiveSmallIntegerField()
    administered = models.CharField(max_length=20, choices=Administered.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    complete = models.BooleanField()
    total = models.PositiveSmallIntegerField(null=True)
    prorated = models.BooleanField(default=False)
    severity = models.CharField(max_length=40, blank=True)
    risk = models.BooleanField(default=False)
    risk_items = models.JSONField(default=list, blank=True)
    # Safety questions left blank: no flag, but the therapist should ask in person.
    risk_items_unanswered = models.JSONField(default=list, blank=True)
    extras = models.JSONField(default=dict, blank=True)
    pcl5_cluster_rule_met = models.BooleanField(null=True)
    # A double click or a retry sends the same key; the unique constraint stores it once.
    idempotency_key = models.CharField(max_length=64, unique=True)
    # Set only on rows stored before one response per session was a constraint (two tabs
    # sending at once): kept, never deleted, and pointing to the session's first response.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            # Two tabs or devices each have their own idempotency key; this decides.
            models.UniqueConstraint(
                fields=["course", "code", "session_number"],
                condition=models.Q(duplicate_of__isnull=True),
                name="one_response_per_session",
            )
        ]
        indexes = [
            models.Index(fields=["course", "code", "submitted_at"]),
            models.Index(fields=["client", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} session {self.session_number} ({self.total})"

    @property
    def instrument(self) -> instruments.Instrument:
        return instruments.get(self.code)

    @property
    def severity_label(self) -> str:
        if not self.severity:
            return ""
        return next((b.label for b in self.instrument.bands if b.key == self.severity), "")


class ItemAnswer(UndeletableModel):
    """The client's answer to one item, as the option position they chose and its score."""

    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.PROTECT, related_name="answers"
    )
    item_number = models.PositiveSmallIntegerField()
    # None when the item was skipped (or "not applicable", see below).
    position = models.PositiveSmallIntegerField(null=True)
    not_applicable = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(null=True)

    class Meta:
        ordering = ["item_number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item_number"], name="item_answer_unique")
        ]

    def __str__(self) -> str:
        return f"item {self.item_number}: {self.score}"


class RiskFlag(UndeletableModel):
    """A risky answer that someone must act on. Closed only with a recorded action."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class EscalatedTo(models.TextChoices):
        SUPERVISOR = "supervisor", "Supervisor"
        ADMINISTRATORS = "administrators", "Clinic administrators"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    # None while the answers that raised it are not yet sent (the clinic's choice to flag
    # a risky answer at once); set when they are.
    response = models.OneToOneField(
        QuestionnaireResponse, on_delete=models.PROTECT, related_name="flag", null=True
    )
    # The questionnaire form's key (its idempotency key) for a flag raised before sending:
    # the sent answers find their flag by it.
    draft_key = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=300)
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to_role = models.CharField(max_length=20, choices=EscalatedTo.choices, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["course", "status"]),
            models.Index(fields=["clinic", "status", "raised_at"]),
        ]
        constraints = [
            # One flag per unsent form, however many times its answers are saved.
            models.UniqueConstraint(
                fields=["draft_key"], condition=~models.Q(draft_key=""), name="one_flag_per_form"
            )
        ]

    def __str__(self) -> str:
        return f"Risk flag {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class FlagAction(UndeletableModel):
    """What was done about a flag: the record that lets it close."""

    class Kind(models.TextChoices):
        RISK_ASSESSED = "risk_assessed", "Risk assessed"
        SAFETY_PLAN = "safety_plan", "Safety plan made or reviewed"
        CONTACTED = "contacted", "Client contacted"
        REFERRED = "referred", "Referred (crisis team, emergency, doctor)"
        OTHER = "other", "Other"

    flag = models.ForeignKey(RiskFlag, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by_id}"
