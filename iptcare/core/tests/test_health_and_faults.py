from __future__ import annotations

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client as HttpClient

from conftest import Cast


def test_healthz_answers_while_the_process_is_up(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database(client) -> None:
    assert client.get("/readyz").status_code == 200


def _database_gone():
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("could not connect to server"),
    )


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_503_when_the_database_is_gone(client) -> None:
    from django.db import connection

    connection.close()
    with _database_gone():
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db(transaction=True)
def test_pages_answer_a_friendly_503_not_a_traceback_when_the_database_is_gone() -> None:
    from django.db import connection

    from conftest import ensure_cast

    cast = ensure_cast()
    browser = HttpClient(raise_request_exception=False)
    browser.force_login(cast.users["therapist"])
    connection.close()
    with _database_gone():
        response = browser.get("/clients/")
    body = response.content.decode()
    assert response.status_code == 503
    assert "briefly unavailable" in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_an_unexpected_error_shows_the_friendly_500_page(cast: Cast) -> None:
    browser = HttpClient(raise_request_exception=False)
    browser.force_login(cast.users["admin"])
    with mock.patch("iptcare.home.views.clinic_overview", side_effect=RuntimeError("boom")):
        response = browser.get("/home/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_unknown_pages_show_the_friendly_404(client) -> None:
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "iptcare.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_is_off_unless_set() -> None:
    result = _settings_in_subprocess({"SECRET_KEY": "x"})
    assert result.stdout.strip() == "False"


def test_a_missing_secret_key_fails_loudly_when_debug_is_off() -> None:
    result = _settings_in_subprocess({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_allows_the_insecure_development_defaults() -> None:
    result = _settings_in_subprocess({"DEBUG": "1"})
    assert result.stdout.strip() == "True"


def test_responses_carry_security_headers(client, db) -> None:
    # db: the login page names the clinic whose address this is.
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_stylesheet_and_htmx_are_served_locally(client, db) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "/static/iptcare/app.css" in page
    assert "unpkg.com" not in page and "cdn" not in page.lower()
    for path in ["/static/iptcare/app.css", "/static/django_htmx/htmx-2.min.js"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content)


def test_crisis_numbers_never_break_across_lines() -> None:
    # Each number is now a link to call it (test_crisis_numbers.py), kept on one line by
    # its class rather than a <span class="nowrap">.
    from iptcare.core.templatetags.clinic_text import crisis_lines

    html = crisis_lines("Call or text 9-8-8 (Canada's line).\nIn an emergency, call 911.<b>")
    assert '<a class="crisis-number" href="tel:988">9-8-8</a>' in html
    assert '<a class="crisis-number" href="tel:911">911</a>' in html
    assert html.count("<p>") == 2 and "&lt;b&gt;" in html
    assert "Canada&#x27;s" in html and "&amp;#x" not in html
    assert ".crisis-number, .crisis-sms { white-space: nowrap;" in _stylesheet()


def _stylesheet() -> str:
    from pathlib import Path

    return (Path(__file__).parents[2] / "static" / "iptcare" / "app.css").read_text()
