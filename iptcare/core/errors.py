"""Friendly error pages. The 500 handler turns a lost database into a 503 page."""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without request context: the context processors would touch the database.
    exc = sys.exc_info()[1]
    if isinstance(exc, DatabaseError):
        logger.error("Database unavailable: %s", type(exc).__name__)
        return HttpResponse(
            loader.get_template("503.html").render({}), status=503, headers={"Retry-After": "30"}
        )
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
