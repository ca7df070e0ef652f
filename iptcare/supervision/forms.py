"""Forms of the supervision pages."""

from __future__ import annotations

from typing import Any

from django import forms  # noqa: F401
from django.db.models import QuerySet

from iptcare.accounts.models import User
from iptcare.core.forms import LimitedForm, version_errors_to_the_form, version_field
from iptcare.supervision.models import SupervisionMeeting

# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_NOT_YOURS = "Choose from your own supervisees."


class MeetingForm(LimitedForm):
    date = forms.DateField(widget=_DATE)
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
    due_on = forms.DateField(label="Due on", required=False, widget=_DATE)
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
