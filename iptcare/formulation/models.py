"""The interpersonal side of an IPT course: inventory, timeline, focus areas and their work.

Records hang off a course (and carry its clinic); work done in a session keeps the session
number rather than a link to the note, so notes and these records can be written in any
order. Nothing here is deleted: people, events and focus areas are archived.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from iptcare.formulation.catalogue import EVENT_TYPES, FOCUS_AREA_LABELS, FocusArea

EVENT_CHOICES = [(t.code, t.label) for t in EVENT_TYPES.values()]
FOCUS_AREA_CHOICES = [(area.value, FOCUS_AREA_LABELS[area]) for area in FocusArea]
ZERO_TO_THREE = [MinValueValidator(0), MaxValueValidator(3)]


class CourseRecord(models.Model):
    """A record of one course; the clinic is copied from the course so every row has one."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a stale edit is refused instead of silently overwriting.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class InventoryPerson(CourseRecord):
    """One relationship in the interpersonal inventory."""

    class Ring(models.IntegerChoices):
        INNER = 1, "1 · closest"
        MIDDLE = 2, "2 · close"
        OUTER = 3, "3 · less close"

    class Status(models.TextChoices):
        CURRENT = "current", "Current relationship"
        ENDED = "ended", "Relationship ended"
        DECEASED = "deceased", "Died"

    class Met(models.TextChoices):
        UNKNOWN = "", "Not discussed yet"
        YES = "yes", "Met"
        PARTLY = "partly", "Partly met"
        NO = "no", "Not met"

    name = models.CharField(max_length=120)
    relation = models.CharField(max_length=80, help_text="e.g. partner, mother, friend, manager")
    ring = models.PositiveSmallIntegerField(
        "closeness ring", choices=Ring.choices, default=Ring.MIDDLE
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CURRENT)
    contact_frequency = models.CharField(max_length=120, blank=True)
    shared_activities = models.TextField(blank=True)
    practical_support = models.PositiveSmallIntegerField(default=0, validators=ZERO_TO_THREE)
    emotional_support = models.PositiveSmallIntegerField(default=0, validators=ZERO_TO_THREE)
    confidant = models.BooleanField(default=False)
    client_expects = models.TextField("what the client expects of them", blank=True)
    they_expect = models.TextField("what they expect of the client", blank=True)
    expectations_met = models.CharField(
        max_length=10, choices=Met.choices, default=Met.UNKNOWN, blank=True
    )
    good_aspects = models.TextField(blank=True)
    difficult_aspects = models.TextField(blank=True)
    conflict = models.PositiveSmallIntegerField(
        "conflict level", default=0, validators=ZERO_TO_THREE
    )
    changes_since_onset = models.TextField(blank=True)
    wanted_change = models.TextField("what the client would like to change", blank=True)
    shared_with_client = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ring", "name", "pk"]
        indexes = [models.Index(fields=["course", "archived_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"

    @property
    def support(self) -> int:
        return max(self.practical_support, self.emotional_support)

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.CURRENT

    def as_snapshot(self) -> dict[str, object]:
        """The person as a plain dict: snapshots keep these copies, not links."""
        return {
            "id": self.pk,
            "name": self.name,
            "relation": self.relation,
            "ring": self.ring,
            "status": self.status,
            "contact_frequency": self.contact_frequency,
            "practical_support": self.practical_support,
            "emotional_support": self.emotional_support,
            "confidant": self.confidant,
            "expectations_met": self.expectations_met,
            "conflict": self.conflict,
            "good_aspects": self.good_aspects,
            "difficult_aspects": self.difficult_aspects,
            "changes_since_onset": self.changes_since_onset,
            "wanted_change": self.wanted_change,
        }


class InventorySnapshot(CourseRecord):
    """A frozen copy of the inventory, to compare the start of therapy with its end."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "End of the initial phase"
        TERMINATION = "termination", "Termination"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    taken_on = models.DateField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    people = models.JSONField(default=list)

    class Meta:
        ordering = ["-taken_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.taken_on})"


class LifeEvent(CourseRecord):
    """An event on the timeline, coded from the life-event catalogue."""

    code = models.CharField("event", max_length=30, choices=EVENT_CHOICES)
    title = models.CharField(max_length=120, blank=True, help_text="A short name for the chart.")
    starts_on = models.DateField("date (or start)")
    ends_on = models.DateField("end", null=True, blank=True, help_text="For events that lasted.")
    people = models.ManyToManyField(InventoryPerson, blank=True, related_name="events")
    notes = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.title or self.get_code_display()


class Episode(CourseRecord):
    """A depressive episode: the current one gives the onset the suggestion weighs against."""

    starts_on = models.DateField("onset")
    ends_on = models.DateField("ended", null=True, blank=True)
    is_current = models.BooleanField("current episode", default=False)
    notes = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return f"Episode from {self.starts_on}"


class FocusAreaChoice(CourseRecord):
    """One of the (at most two) focus areas chosen for the course."""

    area = models.CharField(max_length=30, choices=FOCUS_AREA_CHOICES)
    evidence = models.TextField(help_text="What in the timeline and inventory points here.")
    goals = models.TextField(help_text="What the client wants to be different, one per line.")
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_area_display()


class Formulation(CourseRecord):
    """The interpersonal formulation and the treatment contract, one per course."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"

    text = models.TextField("interpersonal formulation", blank=True)
    agreed_on = models.DateField("date the client agreed", null=True, blank=True)
    contract_sessions = models.PositiveSmallIntegerField(
        "sessions agreed", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    contract_frequency = models.CharField(
        "frequency", max_length=20, choices=Frequency.choices, blank=True
    )
    contract_focus = models.TextField("focus agreed", blank=True)
    missed_session_policy = models.TextField(blank=True)
    contract_agreed_on = models.DateField("date the contract was agreed", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course"], name="one_formulation_per_course")
        ]

    def __str__(self) -> str:
        return f"Formulation of course {self.course_id}"

    @property
    def contract_agreed(self) -> bool:
        return bool(self.contract_agreed_on and self.contract_sessions and self.contract_frequency)


class Workspace(CourseRecord):
    """A focus area's structured workspace: one per course and area."""

    class Meta:
        abstract = True


class GriefWork(Workspace):
    class LossType(models.TextChoices):
        DEATH = "death", "Death"
        OTHER = "other", "Another loss (relationship, health, infertility, miscarriage)"

    lost_person = models.ForeignKey(
        InventoryPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    who = models.CharField("who or what was lost", max_length=200, blank=True)
    loss_type = models.CharField(max_length=10, choices=LossType.choices, default=LossType.DEATH)
    lost_on = models.DateField("when", null=True, blank=True)
    how = models.TextField("how it happened", blank=True)
    relationship_good = models.TextField("the relationship: what was good", blank=True)
    relationship_difficult = models.TextField("the relationship: what was difficult", blank=True)
    avoided = models.TextField("what is avoided", blank=True)
    anniversaries = models.TextField(blank=True)
    mourning_progress = models.TextField(blank=True)
    new_relationships = models.TextField("new or revived relationships", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course"], name="one_grief_work_per_course")]

    def __str__(self) -> str:
        return f"Grief work of course {self.course_id}"


class RoleDisputeWork(Workspace):
    class Stage(models.TextChoices):
        RENEGOTIATION = "renegotiation", "Renegotiation"
        IMPASSE = "impasse", "Impasse"
        DISSOLUTION = "dissolution", "Dissolution"

    other_person = models.ForeignKey(
        InventoryPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    # The seven evaluation questions of the role-dispute strategy, in the manual's order.
    before = models.TextField("what was the relationship like before?", blank=True)
    what_changed = models.TextField("what changed?", blank=True)
    issues = models.TextField("what is the dispute about?", blank=True)
    client_expects = models.TextField("what does the client expect?", blank=True)
    other_expects = models.TextField("what does the other person expect?", blank=True)
    wished_change = models.TextField("what would the client wish to change?", blank=True)
    blocks = models.TextField("what stops a resolution?", blank=True)
    options = models.TextField(blank=True)
    chosen_plan = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course"], name="one_dispute_work_per_course")
        ]

    def __str__(self) -> str:
        return f"Role-dispute work of course {self.course_id}"


class DisputeStageChange(models.Model):
    """Each change of the dispute's stage, with its date (§0)."""

    work = models.ForeignKey(RoleDisputeWork, on_delete=models.PROTECT, related_name="stages")
    stage = models.CharField(max_length=20, choices=RoleDisputeWork.Stage.choices)
    changed_on = models.DateField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} from {self.changed_on}"


class RoleTransitionWork(Workspace):
    old_role = models.CharField(max_length=200, blank=True)
    new_role = models.CharField(max_length=200, blank=True)
    old_role_lost = models.TextField("old role: what was lost", blank=True)
    old_role_not_missed = models.TextField("old role: what is not missed", blank=True)
    new_role_gained = models.TextField("new role: what is gained", blank=True)
    new_role_hard = models.TextField("new role: what is hard", blank=True)
    skills_needed = models.TextField(blank=True)
    supports_needed = models.TextField(blank=True)
    feelings = models.TextField(blank=True)
    clues = models.TextField("clues that made this the focus", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course"], name="one_transition_work_per_course")
        ]

    def __str__(self) -> str:
        return f"Role-transition work of course {self.course_id}"


class DeficitsWork(Workspace):
    starting_relationships = models.TextField(blank=True)
    keeping_relationships = models.TextField(blank=True)
    expressing_feelings = models.TextField(blank=True)
    saying_needs = models.TextField("saying what one needs", blank=True)
    withdrawal = models.TextField(blank=True)
    past_patterns = models.TextField("past relationship patterns", blank=True)
    with_therapist = models.TextField("what happens with the therapist", blank=True)
    social_goals = models.TextField(blank=True)
    graded_steps = models.TextField(blank=True, help_text="One step per line, easiest first.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course"], name="one_deficits_work_per_course")
        ]

    def __str__(self) -> str:
        return f"Interpersonal-pattern work of course {self.course_id}"


class WorkspaceSession(models.Model):
    """Which sessions a focus-area workspace was worked on (for the session note's links)."""

    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    area = models.CharField(max_length=30, choices=FOCUS_AREA_CHOICES)
    session_number = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "area", "session_number"], name="one_workspace_session_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} in session {self.session_number}"


class CommunicationAnalysis(CourseRecord):
    """One interaction, turn by turn, and what the client might do differently."""

    class Problem(models.TextChoices):
        INDIRECT_SIGNAL = "indirect_signal", "Indirect or non-verbal signal instead of saying it"
        ASSUMED_UNDERSTOOD = "assumed_understood", "Assuming one has been understood"
        ASSUMED_UNDERSTANDING = "assumed_understanding", "Assuming one has understood"
        INDIRECT_WORDS = "indirect_words", "Needlessly indirect words"
        CLOSING_SILENCE = "closing_silence", "Silence that closes off talk"
        HURTFUL_WORDS = "hurtful_words", "Hostile or hurtful words"

    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=120, help_text="e.g. “Dinner with Sam on Friday”")
    with_person = models.ForeignKey(
        InventoryPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    happened_on = models.DateField(null=True, blank=True)
    context = models.TextField("what led up to it", blank=True)
    # [{"speaker", "said", "tone", "felt", "meant", "hoped"}], in order.
    turns = models.JSONField(default=list)
    outcome = models.TextField(blank=True)
    problems = models.JSONField(default=list)
    problems_note = models.TextField("other problems found", blank=True)
    alternatives = models.TextField("what else could have been said or done", blank=True)
    plan = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title

    def problem_labels(self) -> list[str]:
        labels = dict(self.Problem.choices)
        return [labels.get(code, code) for code in self.problems]


class RolePlay(CourseRecord):
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    analysis = models.ForeignKey(
        CommunicationAnalysis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roleplays",
    )
    scene = models.TextField()
    therapist_plays = models.CharField("the therapist plays", max_length=200, blank=True)
    client_wants_to_say = models.TextField("what the client wants to say", blank=True)
    how_it_went = models.TextField(blank=True)
    try_in_life = models.TextField("what to try in life", blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.scene[:60]


class HomeworkTask(CourseRecord):
    """A between-session task (optional in IPT; "interpersonal experiment" in IPT-A)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        PARTLY = "partly", "Partly done"
        NOT_DONE = "not_done", "Not done"
        DROPPED = "dropped", "Dropped"

    text = models.TextField("task")
    set_at_session = models.PositiveSmallIntegerField("set at session")
    due_session = models.PositiveSmallIntegerField("due at session", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(blank=True)
    visible_to_client = models.BooleanField("the client sees it in the portal", default=True)

    class Meta:
        ordering = ["-set_at_session", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class HomeworkPracticeLog(models.Model):
    """The client's own note on trying a task, from the portal."""

    task = models.ForeignKey(HomeworkTask, on_delete=models.PROTECT, related_name="practice")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what_happened = models.TextField()
    how_i_felt = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Practice of task {self.task_id} on {self.created_at:%Y-%m-%d}"


class TerminationRecord(CourseRecord):
    class Recommendation(models.TextChoices):
        END = "end", "End treatment"
        MAINTENANCE = "maintenance", "Maintenance IPT"
        OTHER_TREATMENT = "other_treatment", "Another treatment"

    goals_review = models.TextField("progress on the focus-area goals", blank=True)
    client_account = models.TextField("the client's own account of what helped", blank=True)
    warning_signs = models.TextField(blank=True)
    recurrence_plan = models.TextField("plan if depression comes back", blank=True)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    recommendation_note = models.TextField("why, and next steps", blank=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course"], name="one_termination_per_course")
        ]

    def __str__(self) -> str:
        return f"Termination of course {self.course_id}"
