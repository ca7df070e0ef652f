from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from iptcare.accounts.forms import StaffInviteForm, TwoFactorResetForm
from iptcare.accounts.services import (
    InvitationError,
    TwoFactorError,
    staff_invite,
    two_factor_turn_off,
)
from iptcare.audit.services import actor_from_request
from iptcare.clinic import selectors, services
from iptcare.clinic.forms import ClinicSettingsForm
from iptcare.clinic.models import Clinic
from iptcare.core.access import administrator_required
from iptcare.core.http import AuthenticatedHttpRequest


@administrator_required
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = selectors.staff_of(request.user.home_clinic_id)
    return render(request, "clinic/staff.html", {"staff": staff})


@administrator_required
def staff_invite_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST or None, clinic_id=request.user.home_clinic_id)
    if request.method == "POST" and form.is_valid():
        try:
            staff_invite(
                actor=actor_from_request(request, "administrator"),
                clinic=request.user.home_clinic,
                **form.cleaned_data,
            )
        except InvitationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Invitation sent to {form.cleaned_data['email']}; valid for 7 days."
            )
            return redirect("clinic:staff")
    return render(request, "clinic/staff_invite.html", {"form": form})


@login_required
@require_POST
@administrator_required
def staff_two_factor_reset(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """A staff member lost their phone: remove their authenticator so they can link a new
    one at their next sign-in. The reason is recorded in the audit log."""
    person = get_object_or_404(
        selectors.staff_of(request.user.home_clinic_id),
        pk=user_id,
    )
    form = TwoFactorResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why you are resetting it (at least 5 characters).")
        return redirect("clinic:staff")
    try:
        two_factor_turn_off(
            actor=actor_from_request(request, "administrator"),
            user=person,
            reason=form.cleaned_data["reason"],
        )
    except TwoFactorError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request,
            f"Two-step sign-in reset for {person.full_name}: they link a new phone at their "
            "next sign-in.",
        )
    return redirect("clinic:staff")


@administrator_required
def clinic_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    clinic = Clinic.objects.get(pk=request.user.home_clinic_id)
    form = ClinicSettingsForm(request.POST or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        services.clinic_update(
            actor=actor_from_request(request, "administrator"),
            clinic=Clinic.objects.get(pk=clinic.pk),
            **form.cleaned_data,
        )
        messages.success(request, "Clinic settings saved.")
        return redirect("clinic:settings")
    return render(request, "clinic/settings.html", {"form": form})
