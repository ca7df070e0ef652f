from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django import forms
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.core.forms import LimitedForm, LimitedModelForm
from iptcare.scheduling.kinds import KINDS
from iptcare.scheduling.models import (
    Appointment,
    Location,
    Payment,
    SchedulingSettings,
    WeeklyAvailability,
)


class SlotField(forms.CharField):
    """A start time chosen from the list of free times, sent as an ISO UTC instant."""

    default_error_messages = {
        "required": "Choose a time from the list.",
        "invalid": "Choose a time from the list.",
    }

    def to_python(self, value: object) -> datetime | None:  # type: ignore[override]  # accepts any submitted value, as Field.to_python does at run time
        text = super().to_python(value)
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text[:40])
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if timezone.is_naive(moment):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment.astimezone(UTC)


class _TherapistChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        profile = getattr(obj, "therapist_profile", None)
        if profile is not None and profile.is_practicum:
            return f"{obj.full_name} (practicum student, reduced fee)"
        if profile is not None and profile.credentials:
            return f"{obj.full_name}, {profile.credentials}"
        return obj.full_name


def _kind_choices(channel: str) -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in KINDS.values() if k.bookable and channel in k.booked_by]


class PublicBookingForm(LimitedForm):
    starts_at = SlotField(label="Time")
    name = forms.CharField(
        label="Your name", max_length=200, error_messages={"required": "Tell us your name."}
    )
    email = forms.EmailField(
        label="Email",
        help_text="We send a link to confirm the booking.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address such as name@example.com.",
        },
    )
    phone = forms.CharField(
        label="Phone", max_length=40, error_messages={"required": "Enter a phone number."}
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(required=False, label="Leave this empty")

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class SlotBookingForm(LimitedForm):
    """Booking in the portal (own therapists, sessions) or by staff (any type)."""

    therapist = _TherapistChoice(queryset=User.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label="Type of appointment")
    starts_at = SlotField(label="Time")

    def __init__(self, *args: object, therapists: object, channel: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field
        self.fields["kind"].choices = _kind_choices(channel)  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field


class RescheduleForm(LimitedForm):
    starts_at = SlotField(label="New time")


class CancelForm(LimitedForm):
    reason = forms.CharField(
        label="Reason (optional)", max_length=200, required=False, widget=forms.TextInput
    )


class StaffCancelForm(CancelForm):
    who = forms.ChoiceField(
        label="Who is cancelling?",
        choices=[
            ("client", "The client (late if inside the notice period, and billed)"),
            ("clinic", "The clinic or therapist (never billed)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say who is cancelling."},
    )


class MarkForm(LimitedForm):
    outcome = forms.ChoiceField(
        choices=[
            (Appointment.Status.ATTENDED, "Attended"),
            (Appointment.Status.NO_SHOW, "Did not attend"),
        ],
        error_messages={"required": "Choose attended or did not attend."},
    )


class AvailabilityForm(LimitedForm):
    weekday = forms.TypedChoiceField(
        label="Day", coerce=int, choices=WeeklyAvailability.Weekday.choices
    )
    starts = forms.TimeField(
        label="From", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label="Until", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    location = forms.ChoiceField(choices=Location.choices, initial=Location.IN_PERSON)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", "The end must be after the start.")
        return data


class TimeOffForm(LimitedForm):
    starts_on = forms.DateField(
        label="First day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label="Last day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        max_length=120, help_text="e.g. Holiday, Conference", widget=forms.TextInput
    )
    whole_clinic = forms.BooleanField(
        required=False, label="The whole clinic is closed (a holiday for every therapist)"
    )


class PaymentForm(LimitedForm):
    amount = forms.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": "Enter an amount above zero."},
    )
    method = forms.ChoiceField(choices=Payment.Method.choices, label="Paid by")
    received_on = forms.DateField(
        label="Received on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(
        max_length=80, required=False, help_text="e.g. the e-Transfer reference"
    )


class SettingsForm(LimitedModelForm):
    video_link = forms.URLField(
        required=False,
        assume_scheme="https",
        help_text=SchedulingSettings._meta.get_field("video_link").help_text,
    )

    class Meta:
        model = SchedulingSettings
        fields = ["video_link", "notice_hours", "practicum_rate"]
        labels = {
            "notice_hours": "Notice period (hours)",
            "practicum_rate": "Reduced fee for practicum students ($)",
        }


class FeeForm(LimitedForm):
    therapist = _TherapistChoice(queryset=User.objects.none(), empty_label=None)
    kind = forms.ChoiceField(choices=[(k.code, k.label) for k in KINDS.values()], label="Type")
    amount = forms.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        label="Fee ($)",
        help_text="Leave empty to remove the fee (a practicum student then charges the "
        "reduced fee).",
    )

    def __init__(self, *args: object, clinic_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = (  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field
            User.objects.filter(clinic_id=clinic_id, is_therapist=True)
            .select_related("therapist_profile")
            .order_by("full_name")
        )
