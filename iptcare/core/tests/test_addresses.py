"""One reading of the client's address, for the lockout and for the audit log."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.core.addresses import client_address


def request_from(remote: str, forwarded: str | None = None) -> HttpRequest:
    if forwarded is None:
        return RequestFactory().get("/", REMOTE_ADDR=remote)
    return RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, "10.0.0.2"),
        (0, "203.0.113.5", "10.0.0.2"),  # no proxy: the header is anyone's to forge
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.1.1.1, 203.0.113.5", "203.0.113.5"),  # the forged entry is ignored
        (2, "1.1.1.1, 203.0.113.5, 198.51.100.7", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # fewer hops than proxies: only the socket is known
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_entry_the_trusted_proxies_added(
    proxies: int, forwarded: str | None, expected: str
) -> None:
    with override_settings(PROXY_COUNT=proxies):
        request = request_from("10.0.0.2", forwarded)
        assert client_address(request) == expected
        assert get_client_ip_address(request) == expected  # the lockout reads the same


@override_settings(PROXY_COUNT=1)
def test_the_audit_log_records_the_client_behind_the_proxy_not_the_proxy(cast: Cast) -> None:
    client = cast.clients["client"]
    response = cast.http("therapist").get(
        f"/clients/{client.pk}/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5",
    )
    assert response.status_code == 200
    assert AccessEntry.objects.filter(client=client).latest("pk").ip == "203.0.113.5"
