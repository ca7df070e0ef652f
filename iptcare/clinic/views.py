from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from iptcare.accounts.forms import StaffInviteForm, TwoFactorResetForm
from iptcare.accounts.models import User
from iptcare.accounts.services import (
    InvitationError,
    TwoFactorError,
    staff_invite,
    two_factor_turn_off,
)
from iptcare.audit.services import actor_from_request
from iptcare.clinic import selectors, services
from iptcare.clinic.forms import (
    ClinicSettingsForm,
    SupervisionLinkEndForm,
    SupervisionLinkForm,
    offer_options,
    supervisor_options,
)
from iptcare.clinic.models import Clinic, SupervisionLink
from iptcare.core import dates
from iptcare.core.access import administrator_required
from iptcare.core.http import AuthenticatedHttpRequest


@administrator_required
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = list(selectors.staff_of(request.user.home_clinic_id))
    primaries = selectors.primary_supervisors_for(
        [person.pk for person in staff], clinic=request.user.home_clinic
    )
    rows = [(person, primaries.get(person.pk)) for person in staff]
    return render(request, "clinic/staff.html", {"rows": rows})


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


# --- A staff member's page: their supervision ------------------------------------------------


def _staff_member_for(request: AuthenticatedHttpRequest, user_id: int) -> User:
    """The staff member, if the administrator may keep their supervision; else 404."""
    if not 0 < user_id < 2**62:
        raise Http404
    person = selectors.staff_of(request.user.home_clinic_id).filter(pk=user_id).first()
    if person is None or not request.user.has_perm("clinic.change_supervision", person):
        raise Http404
    return person


def _staff_detail(
    request: AuthenticatedHttpRequest,
    person: User,
    *,
    add_form: SupervisionLinkForm | None = None,
    end_forms: dict[int, SupervisionLinkEndForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    clinic_id = request.user.home_clinic_id
    today = selectors.clinic_today(request.user.home_clinic)
    links = selectors.links_of(person)
    options = supervisor_options(clinic_id)
    if add_form is not None:
        offer_options(add_form.fields["supervisor"], options)
    end_forms = end_forms or {}
    for form in end_forms.values():
        offer_options(form.fields["successor"], options)
    rows = [
        {
            "link": link,
            "current": link.is_current_on(today),
            "ended": link.ends_on is not None and link.ends_on < today,
            "end_form": end_forms.get(link.pk)
            or SupervisionLinkEndForm(
                clinic_id=clinic_id,
                options=options,
                initial={"ends_on": max(today, link.starts_on), "version": link.version},
                prefix=f"end-{link.pk}",
            ),
        }
        for link in links
    ]
    context = {
        "person": person,
        "rows": rows,
        "today": today,
        "add_form": add_form
        or SupervisionLinkForm(clinic_id=clinic_id, options=options, initial={"starts_on": today}),
    }
    return render(request, "clinic/staff_detail.html", context, status=status)


@administrator_required
def staff_detail(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    return _staff_detail(request, _staff_member_for(request, user_id))


def _apply(form: forms.Form, problem: services.SupervisionError) -> None:
    field = problem.field if problem.field in form.fields else None
    form.add_error(field, str(problem))


@require_POST
@administrator_required
def supervision_link_add(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = _staff_member_for(request, user_id)
    form = SupervisionLinkForm(request.POST, clinic_id=request.user.home_clinic_id)
    if form.is_valid():
        try:
            link = services.supervision_link_add(
                actor=actor_from_request(request, "administrator"),
                supervisee=person,
                **form.cleaned_data,
            )
        except services.SupervisionError as problem:
            _apply(form, problem)
        else:
            messages.success(request, f"{link.supervisor} now supervises {person}.")
            return redirect("clinic:staff_detail", user_id=person.pk)
    return _staff_detail(request, person, add_form=form, status=400)


@require_POST
@administrator_required
def supervision_link_end(
    request: AuthenticatedHttpRequest, user_id: int, link_id: int
) -> HttpResponse:
    person = _staff_member_for(request, user_id)
    if not 0 < link_id < 2**62:
        raise Http404
    link = get_object_or_404(SupervisionLink, pk=link_id, supervisee=person)
    form = SupervisionLinkEndForm(
        request.POST, clinic_id=request.user.home_clinic_id, prefix=f"end-{link.pk}"
    )
    if form.is_valid():
        try:
            services.supervision_link_end(
                actor=actor_from_request(request, "administrator"),
                link=link,
                **form.cleaned_data,
            )
        except services.SupervisionError as problem:
            _apply(form, problem)
        else:
            messages.success(
                request,
                f"{link.supervisor}'s supervision of {person} ends on "
                f"{dates.day(form.cleaned_data['ends_on'])}.",
            )
            return redirect("clinic:staff_detail", user_id=person.pk)
    return _staff_detail(request, person, end_forms={link.pk: form}, status=400)
