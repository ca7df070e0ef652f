"""The public pages on a 360 px phone: every column of the fees table is in view, and
nothing scrolls sideways where a keyboard cannot go (axe-core's own check)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser


def _axe_violations(page, rule: str) -> list[dict[str, object]]:
    """axe-core's findings for one rule on the page as it is now (axe ships in the dev extra
    as axe-playwright-python; evaluated by the browser's devtools, so the CSP allows it)."""
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": [rule]}})
    return list(results.response["violations"])


def test_the_fees_table_shows_every_column_on_a_phone_without_scrolling_sideways(
    new_page, browser_cast
):
    users = browser_cast.users
    # Long names and every kind of appointment: the widest table the clinic publishes.
    for kind, amount in [
        ("consultation", "0"),
        ("session", "150"),
        ("guardian", "150"),
        ("group", "60"),
    ]:
        factories.fee(users["therapist"], kind, amount)
        factories.fee(users["therapist2"], kind, amount)
    factories.fee(users["student"], "session", "1250")  # a practicum fee of its own
    visitor = new_page(PHONE)
    visitor.goto(reverse("intake:fees"))
    table = visitor.get_by_role("table")
    expect(table).to_be_visible()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Every fee is inside the screen, not cut off or scrolled out of sight.
    for cell in visitor.locator("tbody td:last-child").all():
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], cell.inner_text()
    expect(table).to_contain_text("$1250")
    assert _axe_violations(visitor, "scrollable-region-focusable") == []
    screenshot(visitor, "public-fees-phone")


def test_the_parent_or_guardian_fields_appear_for_an_adolescent_only(new_page, browser_cast):
    visitor = new_page(PHONE)
    visitor.goto(reverse("intake:request"))
    guardian = visitor.get_by_role("group", name="Parent or guardian")
    expect(guardian).to_be_hidden()  # until the date of birth says who the help is for
    born = visitor.get_by_label("Date of birth")
    fifteen_years_ago = visitor.evaluate(
        "(() => { const d = new Date(); d.setFullYear(d.getFullYear() - 15);"
        " return d.toISOString().slice(0, 10); })()"
    )
    born.fill(fifteen_years_ago)
    expect(guardian).to_be_visible()
    expect(visitor.get_by_label("Parent or guardian's name")).to_be_editable()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(visitor, "public-form-adolescent-phone")
    born.fill("1988-07-14")
    expect(guardian).to_be_hidden()


def test_the_choose_a_time_error_goes_once_a_time_is_chosen(
    new_page, browser_cast, therapist_hours
):
    therapist = browser_cast.users["therapist"]
    visitor = new_page(PHONE)
    visitor.goto(reverse("scheduling:public_book") + f"?therapist={therapist.pk}")
    visitor.get_by_label("Your name").fill("Robin Fisher")
    visitor.get_by_label("Email").fill("robin.fisher@example.test")
    visitor.get_by_label("Phone").fill("416-555-0123")
    visitor.get_by_role("button", name="Book this consultation").click()
    error = visitor.locator("#slots-error")
    expect(error).to_contain_text("Choose a time")
    expect(visitor.locator("[data-clears-with-time]")).to_be_visible()
    for _ in range(4):  # the first week shown may have no free time left
        if visitor.locator(".slots__radio").count():
            break
        visitor.get_by_role("link", name="Later →").click()
    visitor.locator(".slots__time").first.click()
    expect(error).to_have_count(0)
    expect(visitor.locator("[data-clears-with-time]")).to_have_count(0)
    expect(visitor.locator(".slots")).not_to_have_class("slots--error")
    assert "slots-error" not in (visitor.locator(".slots").get_attribute("aria-describedby") or "")
    screenshot(visitor, "public-book-time-chosen-phone")
