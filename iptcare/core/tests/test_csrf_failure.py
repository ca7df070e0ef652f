"""A form sent without its CSRF token (expired, or from another site) gets a page in the
app's words and look, status 403, and nothing is done."""

from __future__ import annotations

from django.test import Client as HttpClient

from conftest import Cast
from iptcare.clients.models import Client

EXPIRED = "This form has expired or was sent from another page."


def test_a_form_without_its_token_gets_the_apps_own_page(cast: Cast) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    answer = browser.post("/accounts/login/", {"username": "x@example.test", "password": "x"})
    body = answer.content.decode()
    assert answer.status_code == 403
    assert EXPIRED in body and "Go back, reload the page and try again." in body
    assert "/static/iptcare/app.css" in body  # the app's own layout
    assert "CSRF verification failed" not in body and "Forbidden" not in body


def test_a_signed_in_form_without_its_token_changes_nothing(cast: Cast) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(cast.users["admin"])
    client = cast.clients["client"]
    answer = browser.post(
        f"/clients/{client.pk}/edit/",
        {"legal_name": "Changed Name", "date_of_birth": "1990-01-01", "status": "active"},
    )
    assert answer.status_code == 403 and EXPIRED in answer.content.decode()
    assert Client.objects.get(pk=client.pk).legal_name == client.legal_name
