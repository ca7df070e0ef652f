"""Friendly error pages. A lost database is a 503 ("briefly unavailable"); any other
error is a 500. Under /api/ the answers are JSON (`{"detail": "..."}`), like the API's own."""

from __future__ import annotations

import logging
import re
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = "30"
UNAVAILABLE_DETAIL = "The database is briefly unavailable; please try again in a minute."

# SQLSTATE classes of a connection that is gone or refused, or a server that will not take
# work now: connection exception, insufficient resources, operator intervention (shutdown,
# statement timeout), system error.
_UNAVAILABLE_SQLSTATE_CLASSES = {"08", "53", "57", "58"}
# Without an SQLSTATE (the driver could not reach the server; SQLite): the message says it.
_UNAVAILABLE_MESSAGE = re.compile(
    r"connect|connection|server closed|terminat|timeout|timed out|"
    r"database is locked|database is busy|unable to open database|disk i/o",
    re.IGNORECASE,
)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether the database is gone or refusing us (retry later), not a bug in a query.

    Out-of-range values (DataError), broken constraints and bad SQL are bugs or bad input:
    "try again later" would mislead, so they are 500s (and input is checked at the edge).
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    if sqlstate:
        return str(sqlstate)[:2] in _UNAVAILABLE_SQLSTATE_CLASSES
    return bool(_UNAVAILABLE_MESSAGE.search(str(exc)))


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(detail: str, status: int, **headers: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, headers=headers or None)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api_error(UNAVAILABLE_DETAIL, 503, **{"Retry-After": RETRY_AFTER_SECONDS})
    # Rendered without request context: the context processors would touch the database.
    return HttpResponse(
        loader.get_template("503.html").render({}),
        status=503,
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_error("You do not have permission to do this.", 403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_error("Not found.", 404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_error("Bad request.", 400)
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        logger.error("Database unavailable: %s", type(exc).__name__)
        return unavailable_response(request)
    if is_api(request):
        return api_error("Something went wrong on our side.", 500)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
