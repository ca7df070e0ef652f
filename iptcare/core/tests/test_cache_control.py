"""Pages and answers for a signed-in person are never kept by a browser or a proxy (shared
clinic computers); the public site stays cacheable as before."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from conftest import Cast

PRIVATE = "private, no-store"


def _browser(cast: Cast, role: str | None) -> HttpClient:
    browser = HttpClient(raise_request_exception=False)
    if role is not None:
        browser.force_login(cast.users[role])
    return browser


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("therapist", "/home/"),
        ("therapist", "/clients/"),
        ("therapist", "/clients/{client}/record/"),
        ("therapist", "/api/v1/clients"),
        ("therapist", "/api/v1/clients/{client}"),
        ("therapist", "/api/v1/clients/999999"),  # an error answer too
        ("admin", "/audit/"),
        ("admin", "/audit/export.csv"),
        ("client", "/portal/"),
        ("client", "/measures/my/"),
        ("client", "/"),  # a public page, but shown to a signed-in person
    ],
)
def test_a_signed_in_persons_pages_and_api_answers_are_not_stored(
    cast: Cast, role: str, url: str
) -> None:
    answer = _browser(cast, role).get(url.format(client=cast.clients["client"].pk))
    assert answer.status_code in (200, 404), answer.status_code
    assert answer["Cache-Control"] == PRIVATE


def test_api_answers_to_nobody_signed_in_are_not_stored_either(cast: Cast) -> None:
    assert _browser(cast, None).get("/api/v1/clients")["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("url", ["/", "/about-ipt/", "/therapists/", "/accounts/login/"])
def test_public_pages_keep_their_caching(cast: Cast, url: str) -> None:
    answer = _browser(cast, None).get(url)
    assert answer.status_code == 200
    assert "no-store" not in answer.get("Cache-Control", "") or url == "/accounts/login/"


def test_the_public_stylesheet_stays_cacheable_for_everyone(cast: Cast) -> None:
    for role in (None, "therapist"):
        answer = _browser(cast, role).get("/site/theme.css")
        assert answer["Cache-Control"] == "public, max-age=300"
