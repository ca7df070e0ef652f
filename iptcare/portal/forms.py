from __future__ import annotations

from django import forms

from iptcare.courses.protocols import MoodScale
from iptcare.portal.services import NAME_MAX, NOTE_MAX, RELATION_MAX


class SuggestionForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX,
        help_text="A first name or a nickname is enough.",
        error_messages={"required": "Please write the person's name (a first name is enough)."},
    )
    relation = forms.CharField(
        label="Who they are to you",
        max_length=RELATION_MAX,
        help_text="For example: friend, sister, manager, neighbour.",
        error_messages={"required": "Please say who they are to you, for example friend."},
    )
    note = forms.CharField(
        label="Anything you'd like your therapist to know (optional)",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoodForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How is your mood today?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a number for today's mood."},
    )
    note = forms.CharField(
        label="A few words about today (optional)",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, scale: MoodScale, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's form arguments pass through unchanged
        field = self.fields["rating"]
        field.choices = [(n, str(n)) for n in range(scale.low, scale.high + 1)]  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field
        field.help_text = f"{scale.low} is the lowest, {scale.high} the best you can feel."
        field.error_messages["invalid_choice"] = (
            f"Choose a number from {scale.low} to {scale.high}."
        )
