from __future__ import annotations

from django.conf import settings
from django.db import models

from iptcare.courses import protocols

PROTOCOL_CHOICES = [(p.code, p.name) for p in protocols.PROTOCOLS.values()]


class Course(models.Model):
    """A client's IPT course: one protocol, a planned length, and its phases."""

    class Status(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment"
        ACTIVE = "active", "Active"
        ENDING = "ending", "Ending"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="courses")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courses"
    )
    protocol = models.CharField(max_length=20, choices=PROTOCOL_CHOICES, default="standard")
    # None for open-ended protocols (maintenance IPT).
    planned_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY)
    start_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASSESSMENT)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a stale edit is refused instead of silently overwriting.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["clinic", "therapist", "status"])]

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} for {self.client} from {self.start_date}"

    @property
    def protocol_spec(self) -> protocols.Protocol:
        return protocols.get(self.protocol)

    @property
    def is_open(self) -> bool:
        return self.status not in {self.Status.COMPLETED, self.Status.ENDED_EARLY}


class CourseExtension(models.Model):
    """A change of planned length: who, when and why (the time limit is part of IPT)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="extensions")
    from_sessions = models.PositiveSmallIntegerField()
    to_sessions = models.PositiveSmallIntegerField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.from_sessions} → {self.to_sessions} sessions"
