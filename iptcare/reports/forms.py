"""Forms of the report pages."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms  # noqa: F401

from iptcare.accounts.models import User
from iptcare.core import dates

# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------


class OutcomePeriodForm(forms.Form):
    """The period (both ends included: courses ended on those days count) and, if chosen,
    one therapist. Read from the query string, so a table can be linked and reloaded."""

    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    therapist = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="All therapists",
        error_messages={"invalid_choice": "Choose one of the therapists in the list."},
    )

    def __init__(self, data: object, *, therapists: object, today: date) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.fields["therapist"].queryset = therapists  # type: ignore[attr-defined]
        self.fields["start"].initial = today - timedelta(days=365)
        self.fields["end"].initial = today

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error(
                "end",
                f"The period ends before it starts: choose an end on or after {dates.day(start)}.",
            )
        return cleaned
