"""Forms of the report pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django import forms

from iptcare.accounts.models import User
from iptcare.core import dates
from iptcare.core.forms import DATE_INPUT
from iptcare.reports.models import SharingConsent, TreatmentReport
from iptcare.reports.selectors import REPORT_SECTIONS

# --- Treatment reports ---------------------------------------------------------------------

SECTION_TEXT_LIMIT = 10_000


class ReportStartForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of report", choices=TreatmentReport.Kind.choices)


class ReportForm(forms.Form):
    """Which sections the report keeps, and each one's text."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)

    def __init__(self, data: Mapping[str, Any] | None = None, *, report: TreatmentReport) -> None:
        initial: dict[str, object] = {"version": report.version}
        for key, _title in REPORT_SECTIONS:
            section = report.sections.get(key) or {}
            initial[f"include_{key}"] = bool(section.get("include"))
            initial[f"text_{key}"] = section.get("text", "")
        super().__init__(data, initial=initial)
        for key, title in REPORT_SECTIONS:
            self.fields[f"include_{key}"] = forms.BooleanField(
                label="Include this section", required=False
            )
            self.fields[f"text_{key}"] = forms.CharField(
                label=f"Text of “{title}”",
                required=False,
                max_length=SECTION_TEXT_LIMIT,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def section_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (title, self[f"include_{key}"], self[f"text_{key}"]) for key, title in REPORT_SECTIONS
        ]

    def sections(self) -> dict[str, dict[str, object]]:
        data = self.cleaned_data
        return {
            key: {"include": data[f"include_{key}"], "text": data[f"text_{key}"]}
            for key, _ in REPORT_SECTIONS
        }


class ReportCosignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)


# --- Consent and letters -------------------------------------------------------------------


class ConsentForm(forms.Form):
    recipient_name = forms.CharField(
        label="To whom",
        max_length=200,
        help_text="e.g. the referring physician: Dr. Ada Family, family physician",
    )
    recipient_address = forms.CharField(
        label="Address or fax", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.CharField(
        label="What may be shared",
        max_length=2000,
        initial="A letter about the course: dates, sessions, focus areas, scores and "
        "recommendations.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    given_on = forms.DateField(label="Given on", widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label="Expires on",
        required=False,
        help_text="Leave empty when the consent has no end date.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ConsentWithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)


class LetterForm(forms.Form):
    consent = forms.TypedChoiceField(label="Under the consent", coerce=int)
    recommendations = forms.CharField(
        label="Recommendations",
        required=False,
        max_length=SECTION_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        consents: list[SharingConsent],
        valid_ids: set[int],
        initial: dict[str, Any],
    ) -> None:
        super().__init__(data, initial=initial)
        field = self.fields["consent"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (c.pk, f"{c.recipient_name}" + ("" if c.pk in valid_ids else " (not valid today)"))
            for c in consents
        ]


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------


class OutcomePeriodForm(forms.Form):
    """The period (both ends included: courses ended on those days count) and, if chosen,
    one therapist. Read from the query string, so a table can be linked and reloaded."""

    start = forms.DateField(label="From", widget=DATE_INPUT)
    end = forms.DateField(label="To", widget=DATE_INPUT)
    therapist = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="All therapists",
        error_messages={"invalid_choice": "Choose one of the therapists in the list."},
    )

    def __init__(self, data: object, *, therapists: object, today: date) -> None:
        super().__init__(data)  # type: ignore[arg-type]  # a QueryDict or a plain dict
        self.fields["therapist"].queryset = therapists  # type: ignore[attr-defined]  # a ModelChoiceField
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
