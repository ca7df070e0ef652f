from __future__ import annotations

import re

from django.contrib.auth.hashers import identify_hasher, make_password
from django.core import mail
from django.test import override_settings

from conftest import Cast
from iptcare.accounts.middleware import LAST_SEEN_KEY
from tests import factories
from tests.factories import PASSWORD


def test_people_log_in_with_their_email_in_any_case(cast: Cast, client) -> None:
    typed = cast.users["therapist"].email.title()  # e.g. Therapist@Cast.Test
    response = client.post("/accounts/login/", {"username": typed, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/home/"


def test_a_wrong_password_says_so_and_logs_nobody_in(cast: Cast, client) -> None:
    response = client.post(
        "/accounts/login/", {"username": cast.users["therapist"].email, "password": "nope"}
    )
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2() -> None:
    from importlib import import_module

    production = import_module("iptcare.settings").PASSWORD_HASHERS
    assert production[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production):
        assert identify_hasher(make_password(PASSWORD)).algorithm == "argon2"


def test_logout_needs_a_post_and_ends_the_session(cast: Cast) -> None:
    browser = cast.http("therapist")
    assert browser.get("/accounts/logout/").status_code == 405
    assert browser.post("/accounts/logout/").status_code == 302
    assert browser.get("/home/").status_code == 302


def test_password_reset_by_email(cast: Cast, client) -> None:
    email = cast.users["client"].email
    response = client.post("/accounts/password-reset/", {"email": email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/password-reset/\S+/\S+/", str(mail.outbox[0].body))
    assert link is not None
    path = link.group(0).split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase-9", "new_password2": "brand-new-passphrase-9"},
    )
    assert done.status_code == 302
    # Through the login form (django-axes watches it; `client.login` has no request).
    logged_in = client.post(
        "/accounts/login/",
        {"username": email, "password": "brand-new-passphrase-9"},
    )
    assert logged_in.status_code == 302
    assert client.get("/portal/").status_code == 200


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(
    cast: Cast, client
) -> None:
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_used_reset_link_is_refused(cast: Cast, client) -> None:
    client.post("/accounts/password-reset/", {"email": cast.users["client"].email})
    found = re.search(r"/accounts/password-reset/\S+/\S+/", str(mail.outbox[0].body))
    assert found is not None
    path = found.group(0)
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase-9", "new_password2": "brand-new-passphrase-9"},
    )
    again = client.get(path, follow=True)
    assert "no longer works" in again.content.decode()


def _age_session(browser, seconds: int) -> None:
    session = browser.session
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - seconds
    session.save()


def test_staff_are_logged_out_after_30_idle_minutes(cast: Cast) -> None:
    browser = cast.http("therapist")
    assert browser.get("/home/").status_code == 200
    _age_session(browser, 29 * 60)
    assert browser.get("/home/").status_code == 200  # activity resets the clock
    _age_session(browser, 31 * 60)
    response = browser.get("/clients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/clients/")
    assert browser.get("/home/").status_code == 302


def test_clients_are_not_subject_to_the_staff_idle_timeout(cast: Cast) -> None:
    browser = cast.http("client")
    browser.get("/portal/")
    session = browser.session
    assert LAST_SEEN_KEY not in session


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=60)
def test_the_idle_timeout_is_configurable(cast: Cast) -> None:
    browser = cast.http("admin")
    browser.get("/home/")
    _age_session(browser, 61)
    assert browser.get("/home/").status_code == 302


def test_the_greeting_skips_honorifics(cast: Cast) -> None:
    doctor = factories.supervisor(cast.clinic, full_name="Dr. Helen Park")
    assert doctor.get_short_name() == "Helen"
    assert factories.therapist(cast.clinic, full_name="Priya Natarajan").get_short_name() == "Priya"
