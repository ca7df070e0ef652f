"""Journey 3: a client answers PHQ-9 item 9 on a phone, sees crisis help at once, and the
therapist finds the flag on the caseload and closes it by recording what was done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import Cast
from iptcare.courses.selectors import clinic_today
from iptcare.measures.models import RiskFlag
from iptcare.scheduling.models import Appointment
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


def _session_tomorrow(cast: Cast) -> None:
    """The client's course has three sessions held and the next is booked for tomorrow:
    the questionnaires are now due."""
    client = cast.clients["client"]
    factories.signed_notes(factories.open_course(client, weeks_ago=3), 3)
    ahead = clinic_today(cast.clinic) + timedelta(days=4)
    booked = factories.appointment(client, starts_at=factories.local(cast.clinic, ahead, 10))
    # Moved to 20 hours from now, whatever the hour: the booking rules keep to the hours.
    Appointment.objects.filter(pk=booked.pk).update(starts_at=timezone.now() + timedelta(hours=20))


def test_a_risky_answer_shows_crisis_help_and_the_therapist_closes_the_flag(
    new_page, login, browser_cast: Cast, therapist_hours: None
) -> None:
    _session_tomorrow(browser_cast)
    before = set(RiskFlag.objects.values_list("pk", flat=True))

    phone = new_page(PHONE)
    login(phone, "client")
    phone.goto("/measures/my/")
    phone.get_by_role("link", name="PHQ-9").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    for number in range(1, 9):
        phone.locator(f"#q-item_{number}").get_by_label("Several days").check()
    phone.locator("#q-item_9").get_by_label("Several days").check()
    # Saved as you go: the crisis help appears as soon as item 9 is answered, right under
    # it, on screen, with the focus on it; and it says what is true at that moment.
    card = phone.locator("#crisis-slot-item_9 #crisis-now")
    expect(card).to_contain_text("Your therapist has been told about this answer")
    expect(card).to_be_focused()
    expect(card).to_be_in_viewport()
    question = phone.locator("#q-item_9").bounding_box()
    box = card.bounding_box()
    assert question is not None and box is not None
    assert 0 <= box["y"] - (question["y"] + question["height"]) < 40, (question, box)
    expect(card.locator('a[href="tel:988"]')).to_be_visible()
    expect(card.locator('a[href="sms:988"]')).to_be_visible()
    # Not a trap: Tab goes on through the card's links to the next question.
    phone.keyboard.press("Tab")
    expect(card.locator('a[href="tel:988"]')).to_be_focused()
    for _ in range(3):
        phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('#crisis-now') === null")
    [flag] = RiskFlag.objects.exclude(pk__in=before)  # raised before sending: the default
    assert flag.response is None
    phone.locator("#q-extra_difficulty").get_by_label("Somewhat difficult").check()
    screenshot(phone, "risk-flag-1-client-answers-item-9")
    phone.get_by_role("button", name="Send my answers").click()
    expect(
        phone.get_by_role("heading", name="You are not alone: help is available now")
    ).to_be_visible()
    expect(phone.locator("#crisis-now")).to_contain_text("9-8-8")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "risk-flag-2-client-sees-crisis-resources")

    flag.refresh_from_db()  # the answers sent join the flag raised as they were picked
    assert flag.is_open and flag.client == browser_cast.clients["client"]
    assert flag.response is not None and RiskFlag.objects.exclude(pk__in=before).count() == 1

    desk = new_page(DESKTOP)
    login(desk, "therapist")
    desk.goto("/home/")
    row = desk.locator("table.caseload tbody tr").first
    expect(row).to_contain_text(browser_cast.clients["client"].legal_name)
    expect(row).to_contain_text("1 open flag")
    screenshot(desk, "risk-flag-3-therapist-caseload")
    row.get_by_role("link", name="1 open flag").click()
    desk.get_by_role("link", name="Record what was done and close").click()
    desk.get_by_role("button", name="Close the flag").click()
    expect(desk.get_by_role("alert")).to_contain_text("Choose what was done")
    desk.get_by_label("Risk assessed").check()
    desk.get_by_label("Note").fill("Phoned Jo: passive thoughts, no plan; safety plan reviewed.")
    desk.get_by_role("button", name="Close the flag").click()
    expect(desk.get_by_text("Flag closed; what you did is recorded.")).to_be_visible()
    screenshot(desk, "risk-flag-4-flag-closed")
    flag.refresh_from_db()
    assert not flag.is_open and flag.actions.get().kind == "risk_assessed"
    desk.goto("/home/")
    expect(desk.locator("table.caseload")).not_to_contain_text("open flag")
