from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iptcare.audit.services import actor_from_request
from iptcare.clients.selectors import own_record_for


def _require_client(request: HttpRequest) -> None:
    if not request.user.is_client:  # type: ignore[union-attr]
        raise PermissionDenied


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require_client(request)
    client = own_record_for(actor=actor_from_request(request))
    return render(request, "portal/home.html", {"client": client})


@login_required
def details(request: HttpRequest) -> HttpResponse:
    _require_client(request)
    client = own_record_for(actor=actor_from_request(request))
    return render(request, "portal/details.html", {"client": client})
