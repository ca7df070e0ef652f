"""What leaves the clinic: signed treatment reports and letters (stored as signed),
the client's consents to share, and clinic-wide FHIR exports."""

from __future__ import annotations

from django.db import models  # noqa: F401
from django.utils import timezone

# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


class FhirExport(models.Model):
    """A clinic-wide FHIR export asked by an administrator, run as a background job.

    The Bundle is stored in the database (app servers keep no files: any of them may serve
    the download). Never deleted: it is the record of what left the clinic."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    content = models.TextField(blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"FHIR export {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return (
            100
            if self.status == self.Status.DONE
            else (self.done * 100 // self.total if self.total else 0)
        )

    @property
    def filename(self) -> str:
        return f"fhir-clinic-{self.clinic_id}-export-{self.pk}.json"


# --- Clinic outcomes -----------------------------------------------------------------------
