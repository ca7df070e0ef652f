"""Forms for the formulation pages. They parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from iptcare.core.forms import (
    LimitedForm,
    LimitedModelForm,
    version_errors_to_the_form,
    version_field,
)
from iptcare.courses.models import Course
from iptcare.formulation.catalogue import FocusArea
from iptcare.formulation.models import (
    CommunicationAnalysis,
    DeficitsWork,
    Episode,
    FocusAreaChoice,
    Formulation,
    GriefWork,
    HomeworkTask,
    InventoryPerson,
    InventorySnapshot,
    LifeEvent,
    RoleDisputeWork,
    RolePlay,
    RoleTransitionWork,
    TerminationRecord,
)
from iptcare.formulation.selectors import focus_area_labels
from iptcare.formulation.services import (
    FORMULATION_FIELDS,
    HOMEWORK_FIELDS,
    PERSON_FIELDS,
    ROLEPLAY_FIELDS,
    TERMINATION_FIELDS,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
MAX_TURNS = 12


def _text_areas(model: type, names: list[str]) -> dict[str, forms.Widget]:
    return {name: forms.Textarea(attrs={"rows": 3}) for name in names}


def _inventory_choices(course: Course) -> Any:
    """People a record may name: this course's inventory, leaving out the archived."""
    return InventoryPerson.objects.filter(course=course, archived_at__isnull=True)


class VersionedForm(LimitedModelForm):
    """Carries the version the person started from, to catch edits made meanwhile."""

    # Version 0 (or none) means the page was loaded before the record existed.
    version = version_field(required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        version_errors_to_the_form(self)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class PersonForm(VersionedForm):
    class Meta:
        model = InventoryPerson
        fields = list(PERSON_FIELDS)
        levels = [(0, "0 · none"), (1, "1 · a little"), (2, "2 · some"), (3, "3 · a lot")]
        widgets = {
            **_text_areas(
                InventoryPerson,
                [
                    "shared_activities",
                    "client_expects",
                    "they_expect",
                    "good_aspects",
                    "difficult_aspects",
                    "changes_since_onset",
                    "wanted_change",
                ],
            ),
            "practical_support": forms.Select(choices=levels),
            "emotional_support": forms.Select(choices=levels),
            "conflict": forms.Select(
                choices=[(0, "0 · none"), (1, "1 · mild"), (2, "2 · marked"), (3, "3 · severe")]
            ),
        }
        help_texts = {
            "ring": "Where the client places them on the closeness circle.",
            "confidant": "The client confides in them.",
            "shared_with_client": "The client may see this person in the portal.",
            "status": "Keep past relationships: the ended and the deceased belong here too.",
        }


class SnapshotForm(LimitedForm):
    kind = forms.ChoiceField(choices=InventorySnapshot.Kind.choices, label="Snapshot of")


class EventForm(VersionedForm):
    class Meta:
        model = LifeEvent
        fields = ["code", "title", "starts_on", "ends_on", "people", "notes"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "notes": TEXT,
            "people": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["people"]
        field.queryset = _inventory_choices(course)
        field.help_text = "People from the inventory who were part of it."


class EpisodeForm(VersionedForm):
    class Meta:
        model = Episode
        fields = ["starts_on", "ends_on", "is_current", "notes"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "notes": TEXT}
        help_texts = {
            "is_current": "The episode being treated now; its onset anchors the timeline."
        }


class FocusAreaForm(VersionedForm):
    class Meta:
        model = FocusAreaChoice
        fields = ["area", "evidence", "goals"]
        widgets = {"evidence": TEXT, "goals": TEXT}

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["area"]
        field.choices = focus_area_labels(course.clinic)
        if self.instance.pk:
            field.disabled = True


class FormulationForm(VersionedForm):
    class Meta:
        model = Formulation
        fields = list(FORMULATION_FIELDS)
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "agreed_on": DATE,
            "contract_agreed_on": DATE,
            "contract_focus": TEXT,
            "missed_session_policy": TEXT,
        }
        help_texts = {
            "text": "Sum up the diagnosis and link it to the focus area(s), in words the "
            "client recognises.",
            "agreed_on": "Leave empty until the client has agreed explicitly.",
        }


class WorkspaceForm(VersionedForm):
    session_number = forms.IntegerField(
        required=False,
        min_value=1,
        label="Worked on in session",
        help_text="The session note links to this work.",
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lost_person", "other_person"):
            if name in self.fields:
                field: Any = self.fields[name]
                field.queryset = _inventory_choices(course)

    # (legend, field names): the workspace reads in the order the manual works through it.
    GROUPS: list[tuple[str, list[str]]] = []

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        data.pop("session_number", None)
        return data

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        groups = self.GROUPS or [
            ("", [n for n in self.fields if n not in ("version", "session_number")])
        ]
        return [(title, [self[name] for name in names]) for title, names in groups] + [
            ("Session", [self["session_number"]])
        ]


class GriefForm(WorkspaceForm):
    GROUPS = [
        ("The loss", ["lost_person", "who", "loss_type", "lost_on", "how"]),
        ("The relationship", ["relationship_good", "relationship_difficult"]),
        ("Mourning", ["avoided", "anniversaries", "mourning_progress", "new_relationships"]),
    ]

    class Meta:
        model = GriefWork
        fields = [
            "lost_person",
            "who",
            "loss_type",
            "lost_on",
            "how",
            "relationship_good",
            "relationship_difficult",
            "avoided",
            "anniversaries",
            "mourning_progress",
            "new_relationships",
        ]
        widgets = {
            "lost_on": DATE,
            **_text_areas(
                GriefWork,
                [
                    "how",
                    "relationship_good",
                    "relationship_difficult",
                    "avoided",
                    "anniversaries",
                    "mourning_progress",
                    "new_relationships",
                ],
            ),
        }
        labels = {"lost_person": "Person from the inventory"}


class RoleDisputeForm(WorkspaceForm):
    GROUPS = [
        ("The dispute", ["other_person"]),
        (
            "The evaluation questions",
            [
                "before",
                "what_changed",
                "issues",
                "client_expects",
                "other_expects",
                "wished_change",
                "blocks",
            ],
        ),
        ("The way forward", ["options", "chosen_plan"]),
    ]

    class Meta:
        model = RoleDisputeWork
        fields = [
            "other_person",
            "before",
            "what_changed",
            "issues",
            "client_expects",
            "other_expects",
            "wished_change",
            "blocks",
            "options",
            "chosen_plan",
        ]
        widgets = _text_areas(RoleDisputeWork, fields[1:])
        labels = {"other_person": "The other person (from the inventory)"}


class StageForm(LimitedForm):
    stage = forms.ChoiceField(choices=RoleDisputeWork.Stage.choices)
    changed_on = forms.DateField(widget=DATE, label="Since")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RoleTransitionForm(WorkspaceForm):
    GROUPS = [
        ("The roles", ["old_role", "new_role", "clues"]),
        ("The old role", ["old_role_lost", "old_role_not_missed"]),
        ("The new role", ["new_role_gained", "new_role_hard", "skills_needed", "supports_needed"]),
        ("Feelings", ["feelings"]),
    ]

    class Meta:
        model = RoleTransitionWork
        fields = [
            "old_role",
            "new_role",
            "old_role_lost",
            "old_role_not_missed",
            "new_role_gained",
            "new_role_hard",
            "skills_needed",
            "supports_needed",
            "feelings",
            "clues",
        ]
        widgets = _text_areas(RoleTransitionWork, fields[2:])


class DeficitsForm(WorkspaceForm):
    GROUPS = [
        (
            "Patterns",
            [
                "starting_relationships",
                "keeping_relationships",
                "expressing_feelings",
                "saying_needs",
                "withdrawal",
            ],
        ),
        ("Past and present", ["past_patterns", "with_therapist"]),
        ("Steps", ["social_goals", "graded_steps"]),
    ]

    class Meta:
        model = DeficitsWork
        fields = [
            "starting_relationships",
            "keeping_relationships",
            "expressing_feelings",
            "saying_needs",
            "withdrawal",
            "past_patterns",
            "with_therapist",
            "social_goals",
            "graded_steps",
        ]
        widgets = _text_areas(DeficitsWork, fields)


WORKSPACE_FORMS: dict[FocusArea, type[WorkspaceForm]] = {
    FocusArea.GRIEF: GriefForm,
    FocusArea.ROLE_DISPUTE: RoleDisputeForm,
    FocusArea.ROLE_TRANSITION: RoleTransitionForm,
    FocusArea.INTERPERSONAL_DEFICITS: DeficitsForm,
}


class AnalysisForm(VersionedForm):
    problems = forms.MultipleChoiceField(
        choices=CommunicationAnalysis.Problem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Problems found",
    )

    class Meta:
        model = CommunicationAnalysis
        fields = [
            "title",
            "session_number",
            "with_person",
            "happened_on",
            "context",
            "outcome",
            "problems",
            "problems_note",
            "alternatives",
            "plan",
        ]
        widgets = {
            "happened_on": DATE,
            **_text_areas(
                CommunicationAnalysis,
                ["context", "outcome", "problems_note", "alternatives", "plan"],
            ),
        }
        labels = {"with_person": "With (from the inventory)"}

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["with_person"]
        field.queryset = _inventory_choices(course)


class TurnForm(LimitedForm):
    speaker = forms.CharField(max_length=80, required=False, label="Who")
    said = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Said or did"
    )
    tone = forms.CharField(max_length=120, required=False)
    felt = forms.CharField(max_length=300, required=False, label="The client felt")
    meant = forms.CharField(max_length=300, required=False, label="The client meant")
    hoped = forms.CharField(max_length=300, required=False, label="The client hoped for")


TurnFormSet = forms.formset_factory(TurnForm, extra=0, max_num=MAX_TURNS, absolute_max=MAX_TURNS)


def turn_formset(data: Any, turns: list[dict[str, str]]) -> Any:
    """The saved turns plus two empty rows to add more (no script needed)."""
    initial = list(turns) + [{}, {}]
    return TurnFormSet(data, initial=initial[:MAX_TURNS], prefix="turn")


class RolePlayForm(VersionedForm):
    class Meta:
        model = RolePlay
        fields = list(ROLEPLAY_FIELDS)
        widgets = _text_areas(
            RolePlay, ["scene", "client_wants_to_say", "how_it_went", "try_in_life"]
        )


class HomeworkForm(VersionedForm):
    class Meta:
        model = HomeworkTask
        fields = list(HOMEWORK_FIELDS)
        widgets = {"text": TEXT, "outcome": TEXT}


class PracticeReportForm(LimitedForm):
    what_happened = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="What happened"
    )
    how_i_felt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
        label="How I felt",
    )


class TerminationForm(VersionedForm):
    class Meta:
        model = TerminationRecord
        fields = list(TERMINATION_FIELDS)
        widgets = {
            "completed_on": DATE,
            **_text_areas(
                TerminationRecord,
                [
                    "goals_review",
                    "client_account",
                    "warning_signs",
                    "recurrence_plan",
                    "recommendation_note",
                ],
            ),
        }
