"""The client's network address, read one way for the lockout (django-axes calls
`client_address` through AXES_CLIENT_IP_CALLABLE) and for the audit log.

Behind `AXES_PROXY_COUNT` reverse proxies, each proxy appends the address it received the
request from to X-Forwarded-For, so the client is the entry that many places from the
right. Entries further left came from the client and are not trusted (anyone can send the
header). With no proxy the header is ignored and the socket's address is the client's.
django-ipware was tried and not used: its proxy count must equal the number of entries
exactly, and its left-most choice takes the entry a client can forge.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < proxies:
        return remote  # not through the expected proxies: only the socket is known
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
