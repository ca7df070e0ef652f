"""Hand the device to the client, on a tablet-sized screen: the client answers and sees
only the questionnaire and the thank-you; the therapist gets the record back only with
their password, and typing another address leads back to the password."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import Cast
from tests import factories
from tests.browser.conftest import PHONE, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_client_answers_and_only_the_therapists_password_opens_the_record(
    new_page, login, browser_cast: Cast
) -> None:
    client = browser_cast.clients["client"]
    course = factories.open_course(client)
    page = new_page(PHONE)
    login(page, "therapist")
    page.goto(f"/measures/course/{course.pk}/")
    page.locator(".actions").get_by_role("link", name="PHQ-9").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    expect(page.locator("body")).not_to_contain_text(client.legal_name)
    for number in range(1, 10):
        page.locator(f"#q-item_{number}").get_by_label("Not at all").check()
    page.locator("#q-extra_difficulty").get_by_label("Not difficult at all").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(client.legal_name)
    screenshot(page, "handover-1-thank-you")

    # The client tries the record's address: the device is still handed over.
    page.goto(f"/clients/{client.pk}/")
    expect(page.get_by_role("heading", name="Therapist: back to the record")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(client.legal_name)
    page.get_by_label("Your password").fill("a guess")
    page.get_by_role("button", name="Back to the record").click()
    expect(page.get_by_role("alert")).to_contain_text("That password is not right.")
    screenshot(page, "handover-2-password-refused")

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Back to the record").click()
    page.wait_for_url(f"**/measures/course/{course.pk}/")
    expect(page.locator("main")).to_contain_text(client.preferred_name or client.first_name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "handover-3-back-to-the-record")
