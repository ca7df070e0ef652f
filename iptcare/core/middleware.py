from __future__ import annotations

import re
import uuid
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

_REQUEST_ID = re.compile(r"[A-Za-z0-9\-]{8,64}")


class RequestIdMiddleware:
    """Gives every request an id that the access log and the response header carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute, read back with getattr
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ClinicTimeZoneMiddleware:
    """Show times in the clinic's own time zone (stored in UTC, shown local, DST-correct)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clinic = getattr(request.user, "clinic", None) if request.user.is_authenticated else None
        if clinic is not None:
            timezone.activate(zoneinfo.ZoneInfo(clinic.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PrivateCacheMiddleware:
    """Pages and answers for a signed-in person, every API answer and every export are
    kept by no browser history, back button cache or proxy (shared clinic computers).

    A response that declares itself `public` (the public site's stylesheet and logo) keeps
    its caching, as do the public pages shown to nobody signed in.
    """

    HEADER = "private, no-store"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "public" in response.get("Cache-Control", ""):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/api/"):
            response["Cache-Control"] = self.HEADER
        return response
