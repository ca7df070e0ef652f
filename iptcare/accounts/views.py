from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from iptcare.accounts import services
from iptcare.accounts.forms import NewAuthenticatorCodeForm, SignInCodeForm
from iptcare.accounts.services import InvitationError, TwoFactorError
from iptcare.audit.services import actor_from_request
from iptcare.core.access import staff_required
from iptcare.core.http import AuthenticatedHttpRequest


@never_cache
@sensitive_post_parameters()
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None or invitation.status != "open":
        status = invitation.status if invitation else "invalid"
        return render(request, "accounts/invitation_unusable.html", {"status": status}, status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except InvitationError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome. Your password is set and you are logged in.")
            return redirect("home:index")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "form": form,
            "invitation": invitation,
            # The person is not logged in yet: the page names the clinic that invited them.
            "clinic": invitation.clinic,
            "name": services.greeting_name(invitation.user),
        },
    )


# --- Two-step sign-in --------------------------------------------------------------------


def _require_signed_in_fully(request: HttpRequest) -> None:
    """Changing two-step sign-in takes the second step first (the middleware sends people
    there; this holds even if a page were ever left open to them)."""
    user = request.user
    if user.two_factor_enabled and not user.is_verified():  # type: ignore[union-attr]  # set on the user by django-otp's OTPMiddleware
        raise PermissionDenied


def _next_url(request: HttpRequest) -> str:
    """Where to go once signed in: the page first asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@staff_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step after the password, for staff who use two-step sign-in."""
    user = request.user
    if not user.two_factor_enabled or user.is_verified():
        return redirect(_next_url(request))
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_check(user=user, code=form.cleaned_data["code"])
        except TwoFactorError as problem:
            form.add_error(None, str(problem))  # one field: the message leads
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _qr_svg(config_url: str) -> str:
    # segno draws the QR code as inline SVG: no image library, no script, prints well.
    return segno.make(config_url, error="m").svg_inline(
        scale=5, border=2, title="QR code for your authenticator app"
    )


@never_cache
@staff_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Link an authenticator app: scan the code (or type the key), enter the first code,
    keep the backup codes."""
    user = request.user
    if user.two_factor_enabled and not user.is_verified():
        # Replacing the authenticator takes the current one first.
        return redirect(
            f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.path})}"
        )
    device = services.two_factor_pending_device(user)
    form = NewAuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_confirm(
                actor=actor_from_request(request), device=device, code=form.cleaned_data["code"]
            )
        except TwoFactorError as problem:
            form.add_error("code", str(problem))
        else:
            otp_login(request, device)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
            "next": _next_url(request),
            "replacing": user.two_factor_enabled,
        },
    )


@never_cache
@staff_required
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your two-step sign-in: whether it is on, new backup codes, turning it off."""
    _require_signed_in_fully(request)
    return render(request, "accounts/two_factor.html", {"clinic": request.user.home_clinic})


@login_required
@require_POST
@staff_required
def two_factor_backup_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_signed_in_fully(request)
    try:
        codes = services.two_factor_backup_codes_renew(
            actor=actor_from_request(request),
            user=request.user,
        )
    except TwoFactorError as problem:
        messages.error(request, str(problem))
        return redirect("accounts:two_factor")
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "next": reverse("accounts:two_factor"), "first_time": False},
    )


@login_required
@require_POST
@staff_required
def two_factor_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_signed_in_fully(request)
    try:
        services.two_factor_turn_off(
            actor=actor_from_request(request),
            user=request.user,
            reason="",
        )
    except TwoFactorError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Two-step sign-in is off. You can set it up again here.")
    return redirect("accounts:two_factor")


class LoginPage(auth_views.LoginView):
    """The login page names the clinic whose address this is, with its crisis line: a
    client in distress may land here first. `request.public_clinic` comes from the public
    site's middleware (None where no clinic answers on this address)."""

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["clinic"] = getattr(self.request, "public_clinic", None)
        return context
