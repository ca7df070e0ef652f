from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from iptcare.accounts.models import User
from iptcare.clinic.models import TherapistProfile


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        # No autofocus: keyboard users' first Tab must reach "Skip to main content".
        label="Email",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. "
        "Check both and try again.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ClinicPasswordResetForm(PasswordResetForm):
    def get_users(self, email: str):
        # Invited people who have not yet set a password may reset too; inactive never.
        return User.objects.filter(email__iexact=email.strip(), is_active=True)


class StaffInviteForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    email = forms.EmailField()
    is_clinic_admin = forms.BooleanField(label="Clinic administrator", required=False)
    is_therapist = forms.BooleanField(label="Therapist", required=False)
    is_supervisor = forms.BooleanField(label="Supervisor", required=False)
    therapist_kind = forms.ChoiceField(
        label="Therapist type",
        choices=TherapistProfile.Kind.choices,
        initial=TherapistProfile.Kind.REGISTERED,
    )
    profession = forms.CharField(max_length=100, required=False)
    credentials = forms.CharField(max_length=100, required=False)
    regulatory_college = forms.CharField(max_length=200, required=False)
    registration_number = forms.CharField(max_length=50, required=False)
    supervisor = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args: object, clinic_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's form arguments pass through unchanged
        self.fields["supervisor"].queryset = User.objects.filter(  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field
            clinic_id=clinic_id, is_supervisor=True, is_active=True
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("This email address already has an account.")
        return email

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (
            data.get("is_clinic_admin") or data.get("is_therapist") or data.get("is_supervisor")
        ):
            self.add_error("is_therapist", "Choose at least one role.")
        if data.get("is_therapist"):
            if data.get("therapist_kind") == TherapistProfile.Kind.PRACTICUM:
                if not data.get("supervisor"):
                    self.add_error("supervisor", "A practicum student needs a supervisor.")
            elif not data.get("registration_number"):
                self.add_error(
                    "registration_number", "A registered therapist needs a registration number."
                )
        return data


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six-digit code from your authenticator app, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
    )


class NewAuthenticatorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="Six digits; the app shows a new one every 30 seconds.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(label="Why", max_length=200, min_length=5)


def lockout_username(request, credentials: dict | None) -> str:
    """The email django-axes counts failures against, as the login form cleans it, so that
    "Name@Clinic.ca" and "name@clinic.ca" share one count."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str((source or {}).get("username") or "").strip().lower()
