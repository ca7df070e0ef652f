"""The clinic whose public site an address shows, for pages outside the public site that
a visitor sees before signing in (the login page names the clinic and its crisis line)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from iptcare.clinic.models import Clinic
from iptcare.intake.selectors import public_clinic


def _public_clinic_or_none(request: HttpRequest) -> Clinic | None:
    try:
        return public_clinic(request)
    except Http404:  # several clinics and no public site for this address
        return None


class PublicClinicMiddleware:
    """Sets `request.public_clinic`, looked up only when a page reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.public_clinic = SimpleLazyObject(  # type: ignore[attr-defined]  # our own request attribute, like request.user
            lambda: _public_clinic_or_none(request)
        )
        return self.get_response(request)
