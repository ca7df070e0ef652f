from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from iptcare.audit.services import request_reads


class AccessLogMiddleware:
    """One access-log entry per request, person and object: the request's reads are stored
    together when it ends (services.request_reads), before the answer leaves, so a read
    that cannot be logged turns the answer into an error instead of showing the record.

    After RequestIdMiddleware, whose id it groups by. A streamed answer's reads (made while
    it streams, after this returns) are stored one by one, as outside a request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_reads(getattr(request, "request_id", "")):
            return self.get_response(request)
