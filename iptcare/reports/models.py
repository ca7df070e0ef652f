"""What leaves the clinic: signed treatment reports and letters (stored as signed),
the client's consents to share, and clinic-wide FHIR exports."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

# --- Treatment reports ---------------------------------------------------------------------


class SignedDocument(models.Model):
    """What a signed report or letter keeps: the HTML and text it was signed with and the
    PDF made from that HTML, with its SHA-256. Stored once at signing and served as stored
    ever after, however the records change."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_html = models.TextField(blank=True)
    signed_text = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class TreatmentReport(SignedDocument):
    """An end-of-treatment or mid-course progress report. A draft keeps the therapist's
    choice of sections and their text; a practicum student's signed report waits for a
    supervisor's co-signature, and only then is it rendered, stored and shared."""

    class Kind(models.TextChoices):
        END_OF_TREATMENT = "end_of_treatment", "End-of-treatment report"
        PROGRESS = "progress", "Progress report"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_COSIGNATURE = "awaiting_cosignature", "Awaiting co-signature"
        FINAL = "final", "Final"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    # {section key: {"include": bool, "text": str}}, keys as in services.REPORT_SECTIONS.
    sections = models.JSONField(default=dict)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of course {self.course_id}"


# --- Consent and letters -------------------------------------------------------------------


class SharingConsent(models.Model):
    """The client's consent to share their records with someone outside the clinic (the
    referring physician): valid from `given_on` until it expires or is withdrawn."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="sharing_consents"
    )
    recipient_name = models.CharField("to whom", max_length=200)
    recipient_address = models.TextField("address or fax", max_length=1000)
    scope = models.TextField("what may be shared", max_length=2000)
    given_on = models.DateField("given on")
    expires_on = models.DateField("expires on", null=True, blank=True)
    withdrawn_on = models.DateField("withdrawn on", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"Consent to share with {self.recipient_name} from {self.given_on}"

    def valid_on(self, day: date) -> bool:
        return (
            self.given_on <= day
            and (self.expires_on is None or day <= self.expires_on)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


class PhysicianLetter(SignedDocument):
    """A short letter to the referring physician, produced under a valid consent and
    stored as signed."""

    consent = models.ForeignKey(SharingConsent, on_delete=models.PROTECT, related_name="letters")
    letter_date = models.DateField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Letter to {self.consent.recipient_name} on {self.letter_date}"


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
