"""The API answers every error in JSON (`{"detail": "..."}`) and its schema says which."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client as HttpClient

from conftest import Cast
from iptcare.api.urls import ROUTERS

ERRORS = {"401", "403", "404", "422"}


def _browser(cast: Cast, role: str | None) -> HttpClient:
    browser = HttpClient(raise_request_exception=False)
    if role is not None:
        browser.force_login(cast.users[role])
    return browser


def _detail(answer: Any) -> str:  # a test client answer (HttpResponse with .json())
    assert answer["Content-Type"].startswith("application/json"), answer.content[:80]
    detail = answer.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


def test_signing_in_first_is_a_json_401(cast: Cast) -> None:
    answer = _browser(cast, None).get("/api/v1/clients")
    assert answer.status_code == 401
    _detail(answer)


def test_a_refusal_is_a_json_403(cast: Cast) -> None:
    answer = _browser(cast, "client").get("/api/v1/clients")
    assert answer.status_code == 403
    assert "permission" in _detail(answer)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/clients/999999",
        "/api/v1/clients/abc",  # no route matches: Django's own 404
        "/api/v1/nothing-here",
        "/api/v1/courses/99999999999999999999999",
    ],
)
def test_something_not_found_is_a_json_404(cast: Cast, url: str) -> None:
    answer = _browser(cast, "therapist").get(url)
    assert answer.status_code == 404
    _detail(answer)


def test_a_value_that_does_not_validate_is_a_json_422_that_names_it(cast: Cast) -> None:
    answer = _browser(cast, "therapist").get("/api/v1/clients?limit=lots")
    assert answer.status_code == 422
    assert "limit" in _detail(answer)
    assert answer.json()["errors"][0]["loc"] == ["query", "limit"]


def test_a_lost_database_is_a_json_503(cast: Cast) -> None:
    gone = OperationalError("server closed the connection unexpectedly")
    with mock.patch("iptcare.clients.api.clients_visible_to", side_effect=gone):
        answer = _browser(cast, "therapist").get("/api/v1/clients")
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert "unavailable" in _detail(answer)


def test_an_unexpected_error_is_a_json_500(cast: Cast) -> None:
    with mock.patch("iptcare.clients.api.clients_visible_to", side_effect=RuntimeError):
        answer = _browser(cast, "therapist").get("/api/v1/clients")
    assert answer.status_code == 500
    _detail(answer)


def test_every_operation_declares_its_error_answers(client: HttpClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert operations
    for operation in operations:
        responses = operation["responses"]
        assert ERRORS <= set(responses), (operation["operationId"], sorted(responses))
        for status in ERRORS:
            content = responses[status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}


def test_only_routers_that_exist_are_listed() -> None:
    from importlib.util import find_spec

    assert all(find_spec(f"iptcare.{app}.api") is not None for app, _ in ROUTERS)
