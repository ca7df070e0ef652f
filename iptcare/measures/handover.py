""" "Hand the device to the client": while the client answers a questionnaire on the
therapist's signed-in device, that session shows nothing but the questionnaire and its
thank-you. Leaving asks the therapist to prove it is them (password, or two-step code).

The mode lives in the session, so every tab of that browser is held by it, and it ends
only through `handover_end` (or logging out). After `WRONG_TRIES_ALLOWED` wrong tries the
session is logged out: whoever holds the device then needs the full sign-in."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from iptcare.accounts.models import User
from iptcare.accounts.services import TwoFactorError, identity_confirm

SESSION_KEY = "measures_handover"
WRONG_TRIES_ALLOWED = 5


class HandoverError(ValueError):
    """Leaving the mode was refused; the message says why."""


def handover_start(request: HttpRequest, *, course_id: int, code: str) -> None:
    """Hold this session to one questionnaire of one course."""
    request.session[SESSION_KEY] = {"course": course_id, "code": code, "wrong": 0}


def handover_of(request: HttpRequest) -> dict[str, object] | None:
    held = request.session.get(SESSION_KEY)
    return held if isinstance(held, dict) else None


def handover_end(request: HttpRequest, *, user: User, secret: str) -> int | None:
    """End the mode once the therapist proves it is them; the course to go back to.
    Raises HandoverError (the session logged out after too many wrong tries)."""
    held = handover_of(request)
    if held is None:
        return None
    try:
        identity_confirm(user=user, secret=secret)
    except TwoFactorError as refused:
        wrong = int(str(held.get("wrong", 0))) + 1
        if wrong >= WRONG_TRIES_ALLOWED:
            logout(request)
            raise HandoverError(
                "Too many wrong tries: you have been logged out. Log in again to continue."
            ) from None
        request.session[SESSION_KEY] = {**held, "wrong": wrong}
        raise HandoverError(str(refused)) from None
    request.session.pop(SESSION_KEY, None)
    return int(str(held["course"]))


class HandoverMiddleware:
    """While the mode holds a session, every page but the questionnaire, its thank-you and
    the way out (password) sends the browser to the way out."""

    OPEN_PREFIXES = ("/static/", "/healthz", "/readyz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = handover_of(request) if request.user.is_authenticated else None
        if held is None or self._allowed(request.path, held):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "The device is handed to a client."}, status=403)
        way_out = reverse("measures:handover_end")
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": way_out})
        return redirect(way_out)

    def _allowed(self, path: str, held: dict[str, object]) -> bool:
        questionnaire = reverse("measures:administer", args=[held["course"], held["code"]])
        return path.startswith(self.OPEN_PREFIXES) or path in (
            questionnaire,
            reverse("measures:handover_end"),
            reverse("accounts:logout"),
        )
