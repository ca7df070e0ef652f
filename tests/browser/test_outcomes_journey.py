"""Clinic outcomes in the browser (journey 7): the administrator opens the clinic's
outcomes, reads the recovery rate with its counts, and follows it to the courses behind
it; on a phone the page does not scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import Cast
from iptcare.reports.tests.treatment_helpers import finished_course
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


def test_the_administrator_follows_the_recovery_rate_to_its_courses(
    new_page, login, browser_cast: Cast
):
    recovered = finished_course(browser_cast.clients["client"])  # PHQ-9 18 → 7, GAD-7 12 → 5
    other = factories.client(browser_cast.clinic, therapists=[browser_cast.users["therapist"]])
    # Finished with no scores: its caseness at the start is unknown, so it stays in the
    # recovery denominator (finished courses minus those known not to be at caseness).
    finished_course(other, scores=False)

    admin = new_page(DESKTOP)
    login(admin, "admin")
    admin.goto("/reports/outcomes/")
    row = admin.locator(".outcome-table tr", has_text="Recovery").first
    expect(row).to_contain_text("1 of 2")
    expect(row).to_contain_text("50%")
    screenshot(admin, "outcomes-1-admin-desktop")
    row.get_by_role("link", name="1 of 2").click()
    counted = admin.locator("tbody tr", has_text=recovered.client.chart_number)
    expect(counted).to_contain_text("Yes")
    expect(admin.locator("tbody tr", has_text=other.chart_number)).to_contain_text("No")
    screenshot(admin, "outcomes-2-courses-behind-recovery")

    phone = new_page(PHONE)
    login(phone, "admin")
    phone.goto("/reports/outcomes/")
    expect(phone.locator(".outcome-table").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "outcomes-3-admin-phone")
