from __future__ import annotations

from django import forms

from iptcare.accounts.models import User
from iptcare.core.forms import LimitedForm, version_errors_to_the_form, version_field
from iptcare.courses import protocols
from iptcare.courses.models import ClinicCourseSettings, Course, SessionNote

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseOpenForm(LimitedForm):
    client = forms.TypedChoiceField(coerce=int, label="Client")
    protocol = forms.ChoiceField(
        choices=[(p.code, p.name) for p in protocols.available_protocols()],
        initial="standard",
    )
    planned_sessions = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=99,
        help_text="As agreed in the contract. Leave empty for Maintenance IPT (open-ended).",
    )
    frequency = forms.ChoiceField(choices=Course.Frequency.choices, initial="weekly")
    start_date = forms.DateField(widget=DATE)

    def __init__(
        self, *args: object, clients: list[tuple[int, str]], planned_help: str, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = clients  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field
        self.fields["planned_sessions"].help_text = planned_help


class VersionedForm(LimitedForm):
    version = version_field()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        version_errors_to_the_form(self)
        return data


class CourseExtendForm(VersionedForm):
    to_sessions = forms.IntegerField(label="New planned length", min_value=1, max_value=99)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name and the date; the time limit is part of IPT.",
    )


class CourseEndForm(VersionedForm):
    status = forms.ChoiceField(
        label="How the course ended",
        choices=[
            (Course.Status.COMPLETED, "Completed"),
            (Course.Status.ENDED_EARLY, "Ended early"),
        ],
        widget=forms.RadioSelect,
    )
    ended_on = forms.DateField(label="Ended on", widget=DATE)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the course ended early.",
    )


def identity_field() -> forms.CharField:
    """The password asked again at signing, where the clinic wants it (course settings)."""
    return forms.CharField(
        required=False,
        max_length=200,
        strip=False,
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Your clinic asks for it again at each signature.",
    )


def identity_label(form: forms.Form, user: User) -> None:
    """People who use two-step sign-in give their code instead of the password."""
    if user.two_factor_enabled:
        field = form.fields["secret"]
        field.label = "Your two-step code"
        field.widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")


class NoteOpenForm(LimitedForm):
    date = forms.DateField(label="Session date", widget=DATE)
    attendance = forms.ChoiceField(
        choices=SessionNote.Attendance.choices, initial="attended", widget=forms.RadioSelect
    )


class NoteForm(VersionedForm):
    date = forms.DateField(label="Session date", widget=DATE)
    attendance = forms.ChoiceField(choices=SessionNote.Attendance.choices)
    mood_rating = forms.IntegerField(required=False, label="Mood rating")
    since_last_met = forms.CharField(
        required=False,
        label="Since we last met",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Interpersonal events since the last session, and how mood followed them.",
    )
    focus_work = forms.CharField(
        required=False, label="Focus-area work", widget=forms.Textarea(attrs={"rows": 4})
    )
    techniques = forms.MultipleChoiceField(
        required=False,
        choices=SessionNote.Technique.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Techniques used",
    )
    homework_reviewed = forms.CharField(
        required=False, label="Homework reviewed", widget=forms.Textarea(attrs={"rows": 2})
    )
    homework_set = forms.CharField(
        required=False, label="Homework set", widget=forms.Textarea(attrs={"rows": 2})
    )
    risk_check = forms.ChoiceField(
        required=False,
        choices=SessionNote.RiskCheck.choices,
        widget=forms.RadioSelect,
        label="Risk check",
    )
    risk_notes = forms.CharField(
        required=False, label="Risk: what was discussed", widget=forms.Textarea(attrs={"rows": 2})
    )
    plan_next = forms.CharField(
        required=False, label="Plan for next session", widget=forms.Textarea(attrs={"rows": 2})
    )
    secret = identity_field()

    def __init__(self, *args: object, protocol: protocols.Protocol, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        scale = protocol.mood_scale
        mood = self.fields["mood_rating"]
        mood.widget.attrs.update(min=scale.low, max=scale.high, inputmode="numeric")
        mood.help_text = f"{scale.label}."
        mood.error_messages["invalid"] = f"Give a whole number, {scale.label}."
        self.protocol = protocol

    def clean_mood_rating(self) -> int | None:
        rating = self.cleaned_data["mood_rating"]
        if rating is not None and rating not in self.protocol.mood_scale:
            raise forms.ValidationError(
                f"Mood is rated {self.protocol.mood_scale.label} in {self.protocol.name}."
            )
        return rating

    def changes(self) -> dict[str, object]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "secret")}


class AmendmentForm(LimitedForm):
    text = forms.CharField(
        label="Amendment",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Added below the signed note with your name and the time.",
    )


class CourseSettingsForm(VersionedForm):
    default_planned_standard = forms.IntegerField(
        label="Default planned sessions (Standard IPT)", min_value=1, max_value=99
    )
    min_planned_standard = forms.IntegerField(label="Fewest allowed", min_value=1, max_value=99)
    max_planned_standard = forms.IntegerField(label="Most allowed", min_value=1, max_value=99)
    ipt_a_min_age = forms.IntegerField(label="Youngest age for IPT-A", min_value=1, max_value=99)
    ipt_a_max_age = forms.IntegerField(label="Oldest age for IPT-A", min_value=1, max_value=99)
    confirm_identity_at_signing = forms.BooleanField(
        required=False,
        label="Ask for the password again at signing, co-signing and returning a note",
        help_text="People who use two-step sign-in give their code instead.",
    )

    @classmethod
    def initial_from(cls, settings: ClinicCourseSettings) -> dict[str, int]:
        return {name: getattr(settings, name) for name in cls.base_fields}
