"""What clients write in the portal themselves: people to add to the inventory, a mood log.

Both are the client's own words about their care, so neither is ever deleted; a
suggestion is closed by the therapist (added or dismissed) rather than removed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PersonSuggestion(models.Model):
    """Someone the client thinks belongs in their interpersonal inventory."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ADDED = "added", "Added to the inventory"
        DISMISSED = "dismissed", "Not added"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="person_suggestions"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    # Same limits as the inventory's own fields, so an accepted suggestion always fits.
    name = models.CharField(max_length=120)
    relation = models.CharField(max_length=80)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class MoodEntry(models.Model):
    """The client's mood on one day (the clinic's date), on their course's mood scale."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="moods")
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    rating = models.PositiveSmallIntegerField()
    # The scale in force that day: IPT-A rates 1–10, adult protocols 0–10.
    scale_low = models.PositiveSmallIntegerField(default=0)
    scale_high = models.PositiveSmallIntegerField(default=10)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="one_mood_entry_per_day"),
            models.CheckConstraint(
                condition=Q(rating__gte=models.F("scale_low"))
                & Q(rating__lte=models.F("scale_high")),
                name="mood_rating_on_its_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"Mood {self.rating} on {self.day}"
