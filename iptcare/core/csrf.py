"""The page for a form sent without a valid CSRF token (`CSRF_FAILURE_VIEW`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iptcare.core.errors import api_error, is_api

EXPIRED = "This form has expired or was sent from another page."


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Django's reason ("CSRF cookie not set.") is for developers; it is not shown.
    if is_api(request):
        return api_error(f"{EXPIRED} Reload the page and try again.", 403)
    return render(request, "csrf_failure.html", status=403)
