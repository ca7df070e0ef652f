"""Two-step sign-in for staff (django-otp) and the failed-login lockout (django-axes)."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client as HttpClient
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.audit.models import AccessEntry
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic
from iptcare.core.templatetags.clinic_text import minutes_in_words
from tests.factories import PASSWORD as CAST_PASSWORD

PASSWORD = "a-long-clinic-passphrase"
SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture
def clinic(db) -> Clinic:
    return Clinic.objects.create(name="Harbour IPT", require_staff_two_factor=True)


def _person(clinic: Clinic, email: str, **roles: bool) -> User:
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name=email.split("@")[0].title(),
        clinic=clinic,
        **roles,
    )


def _log_in(email: str, password: str = PASSWORD) -> tuple[HttpClient, int]:
    browser = HttpClient()
    response = browser.post("/accounts/login/", {"username": email, "password": password})
    return browser, response.status_code


def _code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _set_up(browser: HttpClient, user: User) -> list[str]:
    browser.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = browser.post(SETUP, {"code": _code(device), "next": "/home/"})
    assert page.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", page.content.decode())


def test_staff_of_a_clinic_that_requires_it_set_it_up_before_anything_else(clinic: Clinic) -> None:
    user = _person(clinic, "therapist@harbour.test", is_therapist=True)
    browser, status = _log_in(user.email)
    assert status == 302
    home = browser.get("/home/")
    assert home.status_code == 302 and home["Location"].startswith(SETUP + "?next=%2Fhome%2F")
    assert browser.get("/api/v1/courses/1").status_code == 403
    htmx = browser.get("/clients/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith(SETUP)
    setup = browser.get(SETUP).content.decode()
    assert "<svg" in setup and "QR code for your authenticator app" in setup
    # A wrong code turns nothing on.
    wrong = browser.post(
        SETUP, {"code": "000000" if _code(TOTPDevice.objects.get()) != "000000" else "111111"}
    )
    assert "does not match" in wrong.content.decode()
    user.refresh_from_db()
    assert not user.two_factor_enabled
    assert browser.post(SETUP, {"code": "12ab"}).content.decode().count("six-digit code") >= 1
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    codes = _set_up(browser, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    user.refresh_from_db()
    assert user.two_factor_enabled
    assert AccessEntry.objects.filter(user=user, detail="two-step sign-in on").exists()
    assert browser.get("/home/").status_code == 200


def test_the_second_step_takes_the_app_code_or_a_backup_code_once(clinic: Clinic) -> None:
    user = _person(clinic, "therapist@harbour.test", is_therapist=True)
    codes = _set_up(_log_in(user.email)[0], user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)

    browser, _ = _log_in(user.email)
    assert browser.get("/home/")["Location"].startswith(VERIFY)
    refused = browser.post(VERIFY, {"code": "not-a-code", "next": "/home/"})
    assert refused.status_code == 200 and "does not match" in refused.content.decode()
    assert browser.get("/home/").status_code == 302
    StaticDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = browser.post(VERIFY, {"code": _code(device, steps_ahead=1), "next": "/home/"})
    assert ok.status_code == 302 and ok["Location"] == "/home/"
    assert browser.get("/home/").status_code == 200

    # A backup code, typed with a dash, works once.
    spaced = codes[0][:4] + "-" + codes[0][4:]
    first, _ = _log_in(user.email)
    assert first.post(VERIFY, {"code": spaced})["Location"] == "/home/"
    again, _ = _log_in(user.email)
    used = again.post(VERIFY, {"code": codes[0]})
    assert "used already" in used.content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_wrong_codes_make_the_next_try_wait(clinic: Clinic) -> None:
    user = _person(clinic, "therapist@harbour.test", is_therapist=True)
    _set_up(_log_in(user.email)[0], user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    browser, _ = _log_in(user.email)
    browser.post(VERIFY, {"code": "000001"})
    browser.post(VERIFY, {"code": "000002"})
    waiting = browser.post(VERIFY, {"code": _code(device, steps_ahead=1)})
    assert "Too many wrong codes" in waiting.content.decode()
    assert browser.get("/home/").status_code == 302


def test_someone_with_only_the_password_cannot_change_the_second_step(clinic: Clinic) -> None:
    user = _person(clinic, "therapist@harbour.test", is_therapist=True)
    _set_up(_log_in(user.email)[0], user)
    clinic.require_staff_two_factor = False
    clinic.save()
    browser, _ = _log_in(user.email)
    # A new authenticator, new backup codes or turning it off all need the code first.
    assert browser.get(SETUP)["Location"].startswith(VERIFY)
    for url in ("/accounts/two-factor/off/", "/accounts/two-factor/backup-codes/"):
        assert browser.post(url)["Location"].startswith(VERIFY)
    user.refresh_from_db()
    assert user.two_factor_enabled
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_where_the_clinic_does_not_require_it_staff_choose(clinic: Clinic) -> None:
    clinic.require_staff_two_factor = False
    clinic.save()
    user = _person(clinic, "therapist@harbour.test", is_therapist=True)
    browser, _ = _log_in(user.email)
    assert browser.get("/home/").status_code == 200
    assert "Set up two-step sign-in" in browser.get("/accounts/two-factor/").content.decode()
    _set_up(browser, user)
    renewed = browser.post("/accounts/two-factor/backup-codes/")
    assert "Your new backup codes" in renewed.content.decode()
    assert browser.post("/accounts/two-factor/off/").status_code == 302
    user.refresh_from_db()
    assert not user.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()


def test_where_the_clinic_requires_it_staff_cannot_turn_it_off(clinic: Clinic) -> None:
    user = _person(clinic, "therapist@harbour.test", is_therapist=True)
    browser, _ = _log_in(user.email)
    _set_up(browser, user)
    page = browser.post("/accounts/two-factor/off/", follow=True)
    assert "requires two-step sign-in" in page.content.decode()
    user.refresh_from_db()
    assert user.two_factor_enabled


def test_an_administrator_resets_it_for_a_lost_phone_saying_why(clinic: Clinic) -> None:
    user = _person(clinic, "therapist@harbour.test", is_therapist=True)
    _set_up(_log_in(user.email)[0], user)
    admin = _person(clinic, "admin@harbour.test", is_clinic_admin=True)
    admin_browser = HttpClient()
    admin_browser.force_login(admin)
    clinic.require_staff_two_factor = False  # the admin's own second step is not the point
    clinic.save()
    reset = f"/clinic/staff/{user.pk}/two-factor/reset/"
    page = admin_browser.post(reset, {"reason": ""}, follow=True)
    assert "Say why" in page.content.decode()
    user.refresh_from_db()
    assert user.two_factor_enabled
    admin_browser.post(reset, {"reason": "lost phone on the bus"})
    user.refresh_from_db()
    assert not user.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=user).exists()
    entry = AccessEntry.objects.get(user=admin, object_id=str(user.pk))
    assert entry.detail.endswith("lost phone on the bus")
    # Nobody else may: a therapist is refused, another clinic's administrator finds nobody.
    therapist_browser = HttpClient()
    therapist_browser.force_login(_person(clinic, "t2@harbour.test", is_therapist=True))
    assert therapist_browser.post(reset, {"reason": "lost phone"}).status_code == 403
    elsewhere = Clinic.objects.create(name="Elsewhere", require_staff_two_factor=False)
    other_admin = HttpClient()
    other_admin.force_login(_person(elsewhere, "admin@elsewhere.test", is_clinic_admin=True))
    assert other_admin.post(reset, {"reason": "lost phone"}).status_code == 404


def test_clients_are_not_asked_for_a_second_step(clinic: Clinic) -> None:
    person = _person(clinic, "client@harbour.test", is_client=True)
    Client.objects.create(
        clinic=clinic,
        user=person,
        legal_name="Harbour Client",
        chart_number="H-1",
        date_of_birth=date(1990, 1, 1),
    )
    browser, status = _log_in(person.email)
    assert status == 302
    assert browser.get("/portal/").status_code == 200


def test_five_wrong_passwords_pause_logins_for_that_email_from_that_address(cast: Cast) -> None:
    email = cast.users["therapist2"].email
    for attempt in range(4):
        # However the email is typed, it is one count.
        typed = email.upper() if attempt % 2 else email
        assert _log_in(typed, "wrong-password")[1] == 200
    locked = HttpClient().post("/accounts/login/", {"username": email, "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Even the right password waits; other people are not affected.
    assert _log_in(email, CAST_PASSWORD)[1] == 429
    assert _log_in(cast.users["therapist"].email, CAST_PASSWORD)[1] == 302
    # After the pause, the right password works again and clears the count.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _log_in(email, CAST_PASSWORD)[1] == 302
    assert not AccessAttempt.objects.filter(username=email).exists()


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(1, "1 minute"), (15, "15 minutes"), (60, "1 hour"), (90, "90 minutes"), (120, "2 hours")],
)
def test_waiting_times_read_as_people_say_them(minutes: int, words: str) -> None:
    assert minutes_in_words(timedelta(minutes=minutes)) == words
