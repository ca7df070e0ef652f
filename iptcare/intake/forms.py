from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms

from iptcare.accounts.models import User
from iptcare.core.forms import LimitedForm, LimitedModelForm
from iptcare.intake import content
from iptcare.intake.models import IntakeRequest, PublicSite, SelfReflection
from iptcare.intake.services import LOGO_MAX_BYTES

# Under 18 a parent or guardian is asked for; IPT-A starts at 13.
ADOLESCENT_FROM = 13
ADULT_FROM = 18
PHONE = re.compile(r"^[0-9+().\- ]{7,30}(\s*(ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)


def age_on(born: date, day: date) -> int:
    """Whole years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_group_on(born: date, day: date) -> str:
    if age_on(born, day) < ADULT_FROM:
        return IntakeRequest.AgeGroup.ADOLESCENT
    return IntakeRequest.AgeGroup.ADULT


def _clean_phone(value: str) -> str:
    value = value.strip()
    if value and (not PHONE.match(value) or sum(ch.isdigit() for ch in value) < 7):
        raise forms.ValidationError("Enter a phone number with its area code, e.g. 416-555-0134.")
    return value


class IntakeForm(LimitedForm):
    """The public "get in touch" form. `website` is a honeypot: people never see it."""

    full_name = forms.CharField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_name = forms.CharField(
        label="What should we call you?",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=IntakeRequest.ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=f"We see adults, and adolescents from {ADOLESCENT_FROM} with a parent or "
        f"guardian's agreement.",
    )
    guardian_name = forms.CharField(
        label="Parent or guardian's name", max_length=200, required=False
    )
    guardian_relationship = forms.CharField(
        label="Relationship to the young person", max_length=100, required=False
    )
    guardian_phone = forms.CharField(
        label="Parent or guardian's phone",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    guardian_email = forms.EmailField(
        label="Parent or guardian's email", max_length=254, required=False
    )
    concerns = forms.CharField(
        label="What brings you to us?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few sentences are enough. Please don't include anything urgent: "
        "this form is read on weekdays.",
    )
    life_changes = forms.MultipleChoiceField(
        label="Have any of these happened recently?",
        choices=content.LIFE_CHANGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    life_change_other = forms.CharField(label="Other change", max_length=200, required=False)
    preferred_times = forms.MultipleChoiceField(
        label="When could you come?",
        choices=content.PREFERRED_TIMES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_times_note = forms.CharField(
        label="Anything else about times", max_length=300, required=False
    )
    therapist_preference = forms.ChoiceField(
        label="Who would you like to see?",
        choices=IntakeRequest.TherapistPreference.choices,
        widget=forms.RadioSelect,
    )
    consent_to_contact = forms.BooleanField(
        label="I agree that the clinic may contact me about this request.",
        error_messages={"required": "We can only reply if you agree to be contacted."},
    )
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if age_on(born, self.today) < ADOLESCENT_FROM:
            raise forms.ValidationError(
                f"We offer IPT from the age of {ADOLESCENT_FROM}. Please call the clinic: "
                "we can tell you where to turn."
            )
        return born

    @property
    def age_group(self) -> str:
        """Adolescent (13 to 17, a parent or guardian needed) or adult, from the date of
        birth; "" until a valid date of birth has been given."""
        born = getattr(self, "cleaned_data", {}).get("date_of_birth")
        if born is None:
            return ""
        return age_group_on(born, self.today)

    @property
    def shows_guardian(self) -> bool:
        """The parent or guardian fields are for adolescents; before a date of birth is
        known (a new form, or a page without JavaScript) they stay in view."""
        return self.age_group != IntakeRequest.AgeGroup.ADULT

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean_guardian_phone(self) -> str:
        return _clean_phone(self.cleaned_data["guardian_phone"])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("preferred_contact") in ("phone", "text") and not data.get("phone"):
            if "phone" not in self.errors:
                self.add_error("phone", "Add a phone number so we can call or text you.")
        if self.age_group == IntakeRequest.AgeGroup.ADOLESCENT:
            if not data.get("guardian_name"):
                self.add_error(
                    "guardian_name", "For someone under 18, tell us a parent or guardian's name."
                )
            if (
                not data.get("guardian_phone")
                and not data.get("guardian_email")
                and "guardian_phone" not in self.errors
                and "guardian_email" not in self.errors
            ):
                self.add_error(
                    "guardian_phone", "Add a phone number or email for the parent or guardian."
                )
        if "other" in data.get("life_changes", []) and not data.get("life_change_other"):
            self.add_error("life_change_other", "Say briefly what the other change is.")
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def request_fields(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        data["age_group"] = self.age_group
        if data["age_group"] != IntakeRequest.AgeGroup.ADOLESCENT:
            for name in ("guardian_name", "guardian_relationship", "guardian_phone"):
                data[name] = ""
            data["guardian_email"] = ""
        if "other" not in data["life_changes"]:
            data["life_change_other"] = ""
        return data


class StatusForm(LimitedForm):
    to_status = forms.ChoiceField(label="New status", choices=IntakeRequest.Status.choices)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, allowed: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = allowed  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field


class NoteForm(LimitedForm):
    note = forms.CharField(label="Note", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ConvertForm(LimitedForm):
    legal_name = forms.CharField(label="Legal name", max_length=200)
    date_of_birth = forms.DateField(
        label="Date of birth", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    therapists = forms.ModelMultipleChoiceField(
        label="Therapist",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Who will see this client. You can assign later.",
    )
    invite = forms.BooleanField(
        label="Send a portal invitation by email now", required=False, initial=True
    )

    def __init__(self, *args: object, clinic_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapists"].queryset = (  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field
            User.objects.filter(clinic_id=clinic_id, is_therapist=True, is_active=True)
            .select_related("therapist_profile")
            .order_by("full_name")
        )
        self.fields["therapists"].label_from_instance = _therapist_label  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        if born > date.today():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < 1900:
            raise forms.ValidationError("Check the year: it is before 1900.")
        return born


def _therapist_label(user: User) -> str:
    profile = getattr(user, "therapist_profile", None)
    if profile is not None and profile.is_practicum:
        return f"{user.full_name} (practicum student, reduced fee)"
    return user.full_name


class PublicSiteForm(LimitedModelForm):
    logo_file = forms.FileField(
        label="Logo",
        required=False,
        help_text=f"A PNG or SVG under {LOGO_MAX_BYTES // 1000} kB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    class Meta:
        model = PublicSite
        fields = [
            "tagline",
            "welcome",
            "about_ipt",
            "what_to_expect",
            "focus_grief",
            "focus_role_dispute",
            "focus_role_transition",
            "focus_fourth",
            "adaptations",
            "fees_note",
            "contact_note",
            "primary_colour",
            "host",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in [
                "welcome",
                "about_ipt",
                "what_to_expect",
                "focus_grief",
                "focus_role_dispute",
                "focus_role_transition",
                "focus_fourth",
                "adaptations",
                "fees_note",
                "contact_note",
            ]
        } | {"primary_colour": forms.TextInput(attrs={"pattern": "#[0-9a-fA-F]{6}"})}

    def __init__(self, *args: object, fourth_label: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["focus_fourth"].label = fourth_label

    def clean_host(self) -> str:
        host = self.cleaned_data["host"].strip().lower()
        if host and not re.fullmatch(r"[a-z0-9.-]+", host):
            raise forms.ValidationError("Enter a host name only, such as ipt.example.ca.")
        return host

    def clean_logo_file(self) -> bytes | None:
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(f"The logo must be under {LOGO_MAX_BYTES // 1000} kB.")
        return upload.read()


RATING_CHOICES = [("", "—")] + [
    (str(n), f"{n} · none" if n == 0 else f"{n} · extreme" if n == 10 else str(n))
    for n in range(11)
]


class ReflectionForm(LimitedForm):
    mood_situations = forms.CharField(
        label="Which situations change my mood?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: after talking with someone, at work, on Sunday evenings.",
    )
    symptom_pattern = forms.ChoiceField(
        label="Do the symptoms keep coming back, or come and go?",
        required=False,
        choices=SelfReflection.Pattern.choices,
        widget=forms.RadioSelect,
    )
    duration = forms.ChoiceField(
        label="How long have I felt this way?",
        required=False,
        choices=SelfReflection.Duration.choices,
        widget=forms.RadioSelect,
    )
    duration_note = forms.CharField(
        label="Since when, roughly?",
        required=False,
        max_length=300,
        help_text="For example: since the move in March.",
    )
    impact_note = forms.CharField(
        label="How do these issues affect my work, home, family and romantic life?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    related_to_loss = forms.ChoiceField(
        label="Are they related to grief, loss or a change in my life?",
        required=False,
        choices=SelfReflection.Related.choices,
        widget=forms.RadioSelect,
    )
    related_note = forms.CharField(
        label="Which loss or change?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for code, label in content.IMPACT_SPHERES:
            self.fields[f"impact_{code}"] = forms.TypedChoiceField(
                label=label,
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
        for code, label in content.LIFE_AREAS:
            self.fields[f"distress_{code}"] = forms.TypedChoiceField(
                label=label,
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )

    @classmethod
    def initial_from(cls, reflection: SelfReflection | None) -> dict[str, object]:
        if reflection is None:
            return {}
        initial: dict[str, object] = {
            name: getattr(reflection, name)
            for name in (
                "mood_situations",
                "symptom_pattern",
                "duration",
                "duration_note",
                "impact_note",
                "related_to_loss",
                "related_note",
            )
        }
        initial |= {f"impact_{k}": str(v) for k, v in reflection.impact.items()}
        initial |= {f"distress_{k}": str(v) for k, v in reflection.distress.items()}
        return initial

    def impact_fields(self) -> list[forms.BoundField]:
        return [self[f"impact_{code}"] for code, _ in content.IMPACT_SPHERES]

    def distress_fields(self) -> list[forms.BoundField]:
        return [self[f"distress_{code}"] for code, _ in content.LIFE_AREAS]

    def answers(self) -> dict[str, object]:
        data = self.cleaned_data
        answers: dict[str, object] = {
            name: data[name]
            for name in (
                "mood_situations",
                "symptom_pattern",
                "duration",
                "duration_note",
                "impact_note",
                "related_to_loss",
                "related_note",
            )
        }
        answers["impact"] = {code: data[f"impact_{code}"] for code, _ in content.IMPACT_SPHERES}
        answers["distress"] = {code: data[f"distress_{code}"] for code, _ in content.LIFE_AREAS}
        return answers
