from __future__ import annotations

from typing import Any

from django import forms

from iptcare.accounts.models import User
from iptcare.clinic import selectors
from iptcare.clinic.models import Clinic
from iptcare.core.forms import (
    DATE_INPUT,
    LimitedForm,
    LimitedModelForm,
    version_errors_to_the_form,
    version_field,
)


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


class _SupervisorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


Options = list[tuple[int, str]]


def supervisor_options(clinic_id: int) -> Options:
    """The supervisors offered, read once for all the forms of a page."""
    return [(p.pk, str(p.full_name or p.email)) for p in selectors.supervisor_choices(clinic_id)]


def offer_options(field: forms.Field, options: Options | None) -> None:
    # The select shows the page's one list; the field still checks a sent id itself.
    if options is not None:
        field.widget.choices = [("", "---------"), *options]


class SupervisionLinkForm(LimitedForm):
    """Add a link: who supervises this person, primary or not, from when (to when)."""

    supervisor = _SupervisorChoice(queryset=User.objects.none())
    is_primary = forms.BooleanField(label="Primary supervisor", required=False)
    starts_on = forms.DateField(label="From", widget=DATE_INPUT)
    ends_on = forms.DateField(
        label="To", required=False, widget=DATE_INPUT, help_text="Leave empty while it goes on."
    )

    def __init__(
        self, *args: Any, clinic_id: int, options: Options | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Every active supervisor of the clinic is offered; the service refuses the
        # person themselves, with a message beside the field.
        self.fields["supervisor"].queryset = selectors.supervisor_choices(clinic_id)  # type: ignore[attr-defined]  # a choice field
        offer_options(self.fields["supervisor"], options)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end date is before the start date.")
        return data


class SupervisionLinkEndForm(LimitedForm):
    """End a link on a day (its last day); a primary link may name who takes over."""

    ends_on = forms.DateField(label="Last day", widget=DATE_INPUT)
    successor = _SupervisorChoice(
        queryset=User.objects.none(),
        required=False,
        label="Primary supervisor from the next day",
        help_text="Needed when this is a practicum student's only primary supervisor.",
    )
    version = version_field()

    def __init__(
        self, *args: Any, clinic_id: int, options: Options | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = selectors.supervisor_choices(clinic_id)  # type: ignore[attr-defined]  # a choice field
        offer_options(self.fields["successor"], options)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        version_errors_to_the_form(self)
        return data
