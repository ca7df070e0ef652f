from __future__ import annotations

from datetime import date

from django import forms

from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.core.forms import LimitedForm, LimitedModelForm


class ClientForm(LimitedModelForm):
    therapists = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Who may see and work on this client's record.",
    )

    class Meta:
        model = Client
        fields = [
            "legal_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "email",
            "phone",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relation",
            "status",
            "therapists",
            "presenting_concerns",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "presenting_concerns": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "presenting_concerns": "Clinical: visible to the care team only.",
        }

    def __init__(self, *args: object, clinic_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapists"].queryset = User.objects.filter(  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field
            clinic_id=clinic_id, is_therapist=True
        ).order_by("full_name")
        if self.instance.pk:
            self.initial["therapists"] = list(self.instance.therapists.all())

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        today = date.today()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < 1900:
            raise forms.ValidationError("Check the year: it is before 1900.")
        return born

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class BreakGlassForm(LimitedForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        help_text="Recorded in the audit log with your name and the time. Access lasts one hour.",
        error_messages={
            "required": "Say why you need to open this clinical record.",
            "min_length": "Say a little more (at least 10 characters).",
        },
    )
