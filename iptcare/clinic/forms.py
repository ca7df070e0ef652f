from django import forms

from iptcare.clinic.models import Clinic
from iptcare.core.forms import LimitedModelForm


class ClinicSettingsForm(LimitedModelForm):
    class Meta:
        model = Clinic
        fields = [
            "name",
            "address",
            "phone",
            "email",
            "time_zone",
            "crisis_resources",
            "fourth_focus_area_label",
            "require_staff_two_factor",
            "flag_unsent_risk_answers",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "crisis_resources": forms.Textarea(attrs={"rows": 4}),
        }
