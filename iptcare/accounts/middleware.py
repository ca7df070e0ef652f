from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

LAST_SEEN_KEY = "iptcare_last_seen"


class StaffIdleTimeoutMiddleware:
    """Logs staff out after a period without requests (shared clinic computers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_clinic_staff:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "You were logged out after 30 minutes without activity.")
                return redirect_to_login(request.get_full_path())
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def two_factor_step_for(user) -> str | None:
    """The sign-in step this person still has to take (a URL name), or None."""
    if not (user.is_authenticated and user.is_clinic_staff):
        return None
    # django-otp's middleware adds is_verified (an error page may render before it ran).
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or is_verified():
        return None
    if user.two_factor_enabled:
        return "accounts:two_factor_verify"
    clinic = user.clinic
    if clinic is not None and clinic.require_staff_two_factor:
        return "accounts:two_factor_setup"
    return None


class StaffTwoFactorMiddleware:
    """Staff who use two-step sign-in enter their code before they see anything else; where
    the clinic requires it, staff who have not set it up do that first. Clients are not
    asked. No query: the flags live on the user and the clinic, both already loaded."""

    # Pages a person between their password and their code may still open.
    OPEN_PREFIXES = ("/static/", "/healthz", "/readyz")
    OPEN_NAMES = (
        "accounts:logout",
        "accounts:login",
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        step = two_factor_step_for(user)
        if step is not None and not self._is_open(request.path):
            return self._send_to(request, step)
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = tuple(reverse(name) for name in self.OPEN_NAMES)
        return path.startswith(self.OPEN_PREFIXES) or path in self._open_paths

    @staticmethod
    def _send_to(request: HttpRequest, step: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Finish two-step sign-in first."}, status=403)
        url = f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # htmx would swap the whole page into a fragment: send the browser there.
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
