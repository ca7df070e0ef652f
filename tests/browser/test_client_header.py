"""Every staff page about one client names them at the top, so nobody acts on the wrong
chart: the therapist opens a client's measures (scores and a risk flag) and their
appointments on a phone, and the header names the client and wraps within the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from conftest import Cast
from iptcare.courses.selectors import clinic_today
from tests import factories
from tests.browser.conftest import DESKTOP, EVERY_DAY, PHONE, screenshot

pytestmark = pytest.mark.browser


def _fits(page: Page, width: int) -> None:
    """Nothing in the header runs past the screen's edge, and the page does not scroll
    sideways."""
    right = page.locator(".client-head").evaluate(
        "head => Math.max(...[head, ...head.querySelectorAll('*')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert right <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_measures_and_appointments_pages_name_the_client_on_a_phone(
    new_page, login, browser_cast: Cast
) -> None:
    clinic = browser_cast.clinic
    client = factories.client(
        clinic,
        therapists=[browser_cast.users["therapist"]],
        legal_name="Maria-Fernanda Castellanos-Villanueva de la Fuente",
        preferred_name="Mafe",
        pronouns="she/they",
    )
    course = factories.course_in_middle_phase(client).course
    factories.submit(course, "phq9", factories.phq9_answers(14, item9=1))
    factories.weekly_hours(browser_cast.users["therapist"], EVERY_DAY)
    ahead = factories.local(clinic, clinic_today(clinic) + timedelta(days=3), 10)
    factories.appointment(client, starts_at=ahead)
    name = "Mafe (Maria-Fernanda Castellanos-Villanueva de la Fuente)"

    page = new_page(PHONE)
    login(page, "therapist")
    page.goto(f"/measures/course/{course.pk}/")
    head = page.locator(".client-head")
    expect(head).to_contain_text(name)
    expect(head).to_contain_text(f"Chart {client.chart_number}")
    expect(head).to_contain_text("Session 7 of 16 · middle phase")
    expect(page.locator(".measures-flags.card--crisis")).to_be_visible()  # the open flag
    _fits(page, PHONE["width"])
    screenshot(page, "client-header-1-measures-phone")

    page.goto(f"/scheduling/clients/{client.pk}/")
    expect(head).to_contain_text(name)
    expect(head).to_contain_text(f"Chart {client.chart_number}")
    _fits(page, PHONE["width"])
    screenshot(page, "client-header-2-appointments-phone")

    desk = new_page(DESKTOP)
    login(desk, "therapist")
    desk.goto(f"/measures/course/{course.pk}/")
    expect(desk.locator(".client-head")).to_contain_text(name)
    screenshot(desk, "client-header-3-measures-desktop")
