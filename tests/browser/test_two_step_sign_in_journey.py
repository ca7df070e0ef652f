"""Two-step sign-in in a real browser: the administrator requires it, staff link an
authenticator app, sign in with a code, and a lost phone is reset."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser


def _app_code(key: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key (time-based, 30 s, 6 digits)."""
    totp = TOTP(b32decode(key.replace(" ", "")), step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _link_app(page, shot: str) -> str:
    """On the set-up page: read the key as a person would type it, enter the app's code,
    keep the backup codes. Returns the key."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot(page, shot)
    key = page.locator("code.key").inner_text()
    page.get_by_label("Code from the app").fill(_app_code(key))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in is on")
    expect(page.locator(".backup-codes li")).to_have_count(10)
    screenshot(page, f"{shot}-backup-codes")
    page.get_by_role("link", name="I have kept them, continue").click()
    return key


def test_staff_sign_in_with_a_code_once_the_clinic_requires_it(new_page, login, browser_cast):
    admin = new_page()
    login(admin, "admin")
    admin.goto("/clinic/settings/")
    admin.get_by_label("Staff must use two-step sign-in").check()
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.get_by_text("Clinic settings saved.")).to_be_visible()
    # The administrator is staff too: the next page asks them to set it up.
    admin.goto("/clinic/staff/")
    _link_app(admin, "two-factor-setup-admin")
    expect(admin).to_have_url(re.compile(r"/clinic/staff/$"))

    # A therapist, on a phone: password, then straight to linking the app.
    phone = new_page(PHONE)
    login(phone, "therapist")
    expect(phone).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    # Nothing else is reachable before that, not even by typing an address.
    phone.goto("/clients/")
    expect(phone).to_have_url(re.compile(r"/accounts/two-factor/setup/\?next=%2Fclients%2F"))
    overflow = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the set-up page scrolls sideways on a 360 px phone"
    key = _link_app(phone, "two-factor-setup-phone")
    expect(phone).to_have_url(re.compile(r"/clients/$"))

    # Next time: password, then the code.
    phone.get_by_role("button", name="Log out").click()
    login(phone, "therapist")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Enter your code")
    phone.get_by_label("Code").fill("123 000" if _app_code(key, steps_ahead=1) != "123000" else "1")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text("That code does not match")).to_be_visible()
    screenshot(phone, "two-factor-verify-wrong-code")
    # django-otp makes the next try wait a second after a wrong code.
    time.sleep(1.1)
    phone.get_by_label("Code").fill(_app_code(key, steps_ahead=1))
    phone.get_by_role("button", name="Continue").click()
    expect(phone).to_have_url(re.compile(r"/home/$"))

    # The phone is lost: the administrator resets it, saying why.
    admin.goto("/clinic/staff/")
    row = admin.get_by_role("row").filter(has_text=browser_cast.users["therapist"].email)
    row.get_by_text("Reset (lost phone)").click()
    row.get_by_label("Why").fill("lost phone on the streetcar")
    row.get_by_role("button", name="Reset").click()
    expect(admin.get_by_text("Two-step sign-in reset for")).to_be_visible()
    expect(row.get_by_text("Set up at next sign-in")).to_be_visible()
    screenshot(admin, "two-factor-staff-list")
    admin.goto("/audit/")
    expect(admin.get_by_text("lost phone on the streetcar")).to_be_visible()
