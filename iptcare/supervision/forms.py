"""Forms of the supervision pages."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from iptcare.accounts.models import User
from iptcare.core.forms import DATE_INPUT, LimitedForm, version_errors_to_the_form, version_field
from iptcare.courses.forms import VersionedForm, identity_field
from iptcare.courses.services import NOTE_PARTS
from iptcare.supervision import certification
from iptcare.supervision.models import FidelityItem, FidelityScale, SupervisionMeeting
from iptcare.supervision.services import PART_COMMENT_MAX, item_field

# --- Review of notes -----------------------------------------------------------------------


class NoteReviewForm(VersionedForm):
    """The supervisor's review of a note: a general comment, a comment beside each named
    part, and the two buttons (`decision`)."""

    comment = forms.CharField(
        required=False,
        label="General comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required to return the note; optional when you co-sign.",
    )
    secret = identity_field()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, label in NOTE_PARTS.items():
            self.fields[f"part_{name}"] = forms.CharField(
                required=False,
                max_length=PART_COMMENT_MAX,
                label=f"Comment on “{label}”",
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": str(PART_COMMENT_MAX)}),
            )

    def part_fields(self) -> dict[str, forms.BoundField]:
        return {name: self[f"part_{name}"] for name in NOTE_PARTS}

    def part_comments(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"part_{name}"]
            for name in NOTE_PARTS
            if self.cleaned_data.get(f"part_{name}", "").strip()
        }


# --- Fidelity ------------------------------------------------------------------------------


NOT_APPLICABLE = "na"


class FidelityRatingForm(forms.Form):
    """One score per item of the session's phase (radio buttons), the recording's place
    and a comment. A posted item outside the phase is refused, not ignored."""

    recording_reference = forms.CharField(
        label="Recording reviewed",
        max_length=500,
        required=False,
        help_text="Where it is kept (a file name or a link); the recording itself stays there.",
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        scale: FidelityScale,
        items: list[FidelityItem],
        all_items: list[FidelityItem],
        phase: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.scale, self.items, self.phase = scale, items, phase
        self.other_items = {item_field(i): i for i in all_items if i not in items}
        scores = range(scale.score_min, scale.score_max + 1)
        choices = [(str(n), str(n)) for n in scores]
        if scale.allows_not_applicable:
            choices.append((NOT_APPLICABLE, "N/A"))
        allowed = f"{scale.range_label}" + (", or N/A" if scale.allows_not_applicable else "")
        for item in items:
            self.fields[item_field(item)] = forms.ChoiceField(
                label=item.text,
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "fidelity-scores"}),
                error_messages={
                    "required": "Give a score for this item.",
                    "invalid_choice": f"Choose a score from {allowed}.",
                },
            )

    def item_fields(self) -> list[tuple[FidelityItem, forms.BoundField]]:
        return [(item, self[item_field(item)]) for item in self.items]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.data:
            posted = [name for name in self.data if name in self.other_items]
            for name in posted:
                self.add_error(
                    None,
                    f"“{self.other_items[name].text}” does not apply to the {self.phase} "
                    "phase: it cannot be scored for this session.",
                )
        return cleaned

    def scores(self) -> dict[str, int | None]:
        result: dict[str, int | None] = {}
        for item in self.items:
            value = self.cleaned_data[item_field(item)]
            result[item.code] = None if value == NOT_APPLICABLE else int(value)
        return result


class FidelityScaleUploadForm(forms.Form):
    file = forms.FileField(
        label="Scale file (JSON)",
        help_text="The format is in the user guide: docs/fidelity-scales.md.",
    )


class SupervisionSettingsForm(forms.Form):
    scale_code = forms.ChoiceField(label="Scale the clinic's supervisors rate with")
    pass_mark = forms.DecimalField(
        label="Pass mark",
        max_digits=3,
        decimal_places=1,
        min_value=Decimal("0"),
        max_value=Decimal("10"),
        help_text="A supervisee whose last three rated sessions average below this gets a "
        "drift notice.",
    )
    cosign_limit_days = forms.IntegerField(
        label="Days a note may wait for co-signature",
        min_value=1,
        max_value=60,
        help_text="Notes waiting longer are marked late on the supervisor's home.",
    )
    certification_standard = forms.ChoiceField(
        label="Certification standard",
        choices=lambda: [(s.code, s.name) for s in certification.standards().values()],
        help_text="What each therapist's certification progress is measured against.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args: Any, scales: list[FidelityScale], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scale_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (s.code, f"{s.name} (version {s.version}, {s.range_label})") for s in scales
        ]


# --- Supervision log -----------------------------------------------------------------------

_NOT_YOURS = "Choose from your own supervisees."


class MeetingForm(LimitedForm):
    date = forms.DateField(widget=DATE_INPUT)
    minutes = forms.IntegerField(
        min_value=1,
        max_value=480,
        error_messages={
            "min_value": "Give the meeting's length in minutes, from 1 to 480.",
            "max_value": "Give the meeting's length in minutes, from 1 to 480.",
            "invalid": "Give the meeting's length in minutes, as a whole number.",
        },
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=SupervisionMeeting.Kind.choices,
        initial=SupervisionMeeting.Kind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    supervisees = forms.ModelMultipleChoiceField(
        label="Supervisees present",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _NOT_YOURS,
            "invalid_pk_value": _NOT_YOURS,
            "required": "Tick who was present.",
        },
    )
    clients_discussed = forms.CharField(
        label="Clients discussed",
        required=False,
        max_length=1000,
        help_text="Chart numbers (such as C00012), separated by spaces or commas: only "
        "clients of the supervisees present. No names.",
    )
    recordings_reviewed = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where each recording is held and which part you reviewed; the recordings "
        "themselves stay where they are.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))
    version = version_field(required=False)

    def __init__(self, *args: Any, supervisees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supervisees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = supervisees

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        version_errors_to_the_form(self)
        return data


class ActionForm(LimitedForm):
    text = forms.CharField(label="Agreed action", required=False, max_length=500)
    due_on = forms.DateField(label="Due on", required=False, widget=DATE_INPUT)
    supervisee = forms.ModelChoiceField(
        label="For",
        required=False,
        queryset=User.objects.none(),
        empty_label="Everyone present",
        error_messages={"invalid_choice": _NOT_YOURS},
    )

    def __init__(self, *args: Any, supervisees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supervisee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = supervisees

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and (data.get("due_on") or data.get("supervisee")):
            self.add_error("text", "Write the action, or clear its date and person.")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=3, absolute_max=3)


# --- Practicum hours -----------------------------------------------------------------------


class HoursAdjustForm(LimitedForm):
    minutes = forms.IntegerField(
        label="Minutes that count",
        min_value=1,
        max_value=480,
        error_messages={
            "min_value": "Give the session's length in minutes, from 1 to 480.",
            "max_value": "Give the session's length in minutes, from 1 to 480.",
            "invalid": "Give the session's length in minutes, as a whole number.",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept with your name and the time, beside the minutes the records gave.",
        error_messages={
            "required": "Say why the minutes change.",
            "max_length": "Keep the reason to 2,000 characters or fewer.",
        },
    )


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
