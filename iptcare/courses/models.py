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


class ClinicCourseSettings(models.Model):
    """A clinic's own choices within the protocols' rules (§0): Standard IPT's default and
    allowed planned length, and the ages it offers IPT-A to."""

    clinic = models.OneToOneField(
        "clinic.Clinic", on_delete=models.PROTECT, related_name="course_settings"
    )
    default_planned_standard = models.PositiveSmallIntegerField(
        "default planned sessions (Standard IPT)", default=16
    )
    min_planned_standard = models.PositiveSmallIntegerField(
        "fewest planned sessions (Standard IPT)", default=12
    )
    max_planned_standard = models.PositiveSmallIntegerField(
        "most planned sessions (Standard IPT)", default=20
    )
    ipt_a_min_age = models.PositiveSmallIntegerField("youngest age for IPT-A", default=12)
    ipt_a_max_age = models.PositiveSmallIntegerField("oldest age for IPT-A", default=18)
    # Off by default: asking again at every signature slows a busy clinic down.
    confirm_identity_at_signing = models.BooleanField(
        "ask for the password again at signing and co-signing", default=False
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "clinic course settings"

    def __str__(self) -> str:
        return f"Course settings of {self.clinic_id}"


class SessionNote(models.Model):
    """One session of a course. A draft autosaves; signing locks it for good (only
    amendments after that); a practicum student's signed note waits for co-signature, and
    their supervisor may return it for revision: then it opens again for its author only,
    and the next signing waits for co-signature again. Every signing keeps a NoteVersion."""

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        CANCELLED_LATE = "cancelled_late", "Cancelled late"
        NO_SHOW = "no_show", "No-show"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"
        AWAITING_COSIGNATURE = "awaiting_cosignature", "Awaiting co-signature"
        FINAL = "final", "Co-signed"
        RETURNED = "returned", "Returned for revision"

    class RiskCheck(models.TextChoices):
        NONE_INDICATED = "none_indicated", "No risk indicated"
        DISCUSSED = "discussed", "Risk discussed, see plan"
        URGENT = "urgent", "Urgent risk: emergency steps taken, see plan"
        NOT_ASSESSED = "not_assessed", "Not assessed this session"

    class Technique(models.TextChoices):
        EXPLORATORY = "exploratory_questions", "Exploratory questions"
        AFFECT = "encouragement_of_affect", "Encouragement of affect"
        CLARIFICATION = "clarification", "Clarification"
        COMMUNICATION_ANALYSIS = "communication_analysis", "Communication analysis"
        ROLE_PLAY = "role_play", "Role-play"
        DECISION_ANALYSIS = "decision_analysis", "Decision analysis"
        RELATIONSHIP = "therapeutic_relationship", "Use of the therapeutic relationship"
        PSYCHOEDUCATION = "psychoeducation", "Psychoeducation"
        HOMEWORK = "homework", "Homework"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="notes")
    # The contract's session number. A missed session (late cancellation, no-show) keeps
    # the number the session would have had and does not use it up.
    number = models.PositiveSmallIntegerField()
    date = models.DateField()
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.ATTENDED
    )
    mood_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    since_last_met = models.TextField(blank=True)
    techniques = models.JSONField(default=list, blank=True)
    focus_work = models.TextField(blank=True)
    homework_reviewed = models.TextField(blank=True)
    homework_set = models.TextField(blank=True)
    risk_check = models.CharField(max_length=20, choices=RiskCheck.choices, blank=True)
    risk_notes = models.TextField(blank=True)
    plan_next = models.TextField(blank=True)
    # Generated when the note is opened: the phase's routine, the focus areas and what is
    # carried forward from the last note. Kept, so the signed note shows what was planned.
    agenda = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["number", "date", "pk"]
        indexes = [models.Index(fields=["course", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"],
                condition=models.Q(attendance="attended"),
                name="one_attended_note_per_session_number",
            )
        ]

    def __str__(self) -> str:
        return f"Session {self.number} note ({self.date})"

    @property
    def is_locked(self) -> bool:
        """Signed and not open for changes; a note returned for revision is editable."""
        return self.status not in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def technique_labels(self) -> list[str]:
        labels = dict(self.Technique.choices)
        return [labels[code] for code in self.techniques if code in labels]


class NoteVersion(models.Model):
    """What the note said when it was signed, kept at every signing (a returned note is
    signed again), so the versions can be read side by side."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    # The recorded fields (services.NOTE_FIELDS), dates as ISO strings.
    snapshot = models.JSONField()
    signed_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["note", "number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="one_note_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.note}"


class NoteAmendment(models.Model):
    """A correction or addition to a signed note: the note itself never changes."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Amendment to {self.note} at {self.at:%Y-%m-%d %H:%M}"
