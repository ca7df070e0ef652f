"""Logging in, landing at home, and the portal's crisis help, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser

LOGIN_URL = re.compile(r"/accounts/login/(\?.*)?$")

# The section heading each staff role sees on /home/ (and only that role, of these).
STAFF_SECTIONS = {
    "admin": "Clinic overview",
    "therapist": "My caseload",
    "therapist2": "My caseload",
    "student": "My caseload",
    "supervisor": "My supervisees",
}
ALL_SECTIONS = {"My caseload", "My supervisees", "Clinic overview"}


@pytest.mark.parametrize(
    ("role", "viewport", "shot"),
    [
        *[(role, DESKTOP, f"home-{role}") for role in STAFF_SECTIONS],
        ("client", DESKTOP, "home-client"),
        ("client2", DESKTOP, "home-client2"),
        ("client", PHONE, "home-client-phone"),
    ],
    ids=lambda v: v if isinstance(v, str) else f"{v['width']}x{v['height']}",
)
def test_each_user_logs_in_and_lands_at_home(new_page, login, role, viewport, shot):
    page = new_page(viewport)
    login(page, role)

    if role in STAFF_SECTIONS:
        expect(page).to_have_url(re.compile(r"/home/$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hello,")
        section = STAFF_SECTIONS[role]
        expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
        for other in ALL_SECTIONS - {section}:
            expect(page.get_by_role("heading", level=2, name=other)).to_have_count(0)
        # Staff never see the clients' crisis bar.
        expect(page.locator("details.crisis-bar")).to_have_count(0)
    else:
        expect(page).to_have_url(re.compile(r"/portal/$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hello,")
        crisis = page.get_by_role("heading", level=2, name="If you need help now")
        expect(crisis).to_be_visible()
        expect(page.locator("#crisis")).to_contain_text("9-8-8")
        # No staff sections in the portal.
        for other in ALL_SECTIONS:
            expect(page.get_by_role("heading", name=other)).to_have_count(0)

    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    path = screenshot(page, shot)
    assert path.stat().st_size > 0


@pytest.mark.parametrize("suffix", ["", "record/"], ids=["detail", "record"])
def test_client_cannot_open_another_clients_record(page, login, browser_cast, suffix):
    other = browser_cast.clients["client2"]
    login(page, "client")

    response = page.goto(f"/clients/{other.pk}/{suffix}")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    # Nothing of client2's record leaks onto the page.
    body = page.locator("body")
    expect(body).not_to_contain_text(other.legal_name)
    expect(body).not_to_contain_text(other.chart_number)
    screenshot(page, f"client-404-{'record' if suffix else 'detail'}")


def test_client_home_fits_a_phone_and_crisis_help_opens_by_keyboard(new_page, login):
    page = new_page(PHONE)
    login(page, "client")
    expect(page).to_have_url(re.compile(r"/portal/$"))

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"horizontal scroll: scrollWidth={scroll_width}"

    summary = page.locator("details.crisis-bar > summary")
    expect(summary).to_have_text("Need help now?")
    body = page.locator("details.crisis-bar .crisis-bar__body")
    expect(body).to_be_hidden()

    # Reach the disclosure with Tab alone, the way a keyboard user would.
    for _ in range(25):
        page.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("'Need help now?' was not reached within 25 Tab presses")

    page.keyboard.press("Enter")

    expect(page.locator("details.crisis-bar")).to_have_attribute("open", "")
    expect(body).to_be_visible()
    expect(body).to_contain_text("9-8-8")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"horizontal scroll when open: {scroll_width}"
    screenshot(page, "client-crisis-open-phone")


def test_wrong_password_shows_the_form_error_and_stays_on_login(page, browser_cast):
    email = browser_cast.users["therapist"].email
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    expect(page).to_have_url(LOGIN_URL)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That email and password do not match an account.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Cast Test Clinic")
    # The email is kept, the password is not echoed back.
    expect(page.get_by_label("Email")).to_have_value(email)
    expect(page.get_by_label("Password")).to_have_value("")
    screenshot(page, "login-wrong-password")


def test_first_tab_on_login_page_focuses_skip_link(page, browser_cast):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown on focus, hidden off-screen otherwise

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("#main")).to_be_focused()


def test_logout_button_posts_and_lands_on_login(page, login):
    login(page, "therapist")
    expect(page).to_have_url(re.compile(r"/home/$"))

    with page.expect_request(lambda r: r.url.endswith("/accounts/logout/")) as logout:
        page.get_by_role("button", name="Log out").click()
    assert logout.value.method == "POST"
    page.wait_for_url(LOGIN_URL)

    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Cast Test Clinic")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    # The session is really gone: home now sends us back to the login page.
    page.goto("/home/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/home/$"))


def test_pages_load_their_stylesheet(page, browser_cast):
    # Without app.css every layout check above (360 px, skip link off-screen) is moot.
    broken: list[str] = []
    page.on(
        "response",
        lambda r: (
            broken.append(f"{r.status} {r.url}")
            if "/static/" in r.url and r.status >= 400
            else None
        ),
    )
    page.goto("/accounts/login/")
    page.wait_for_load_state("load")

    assert broken == [], f"static files failed to load: {broken}"
    header_bg = page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header_bg == "rgb(29, 79, 145)", f"app.css not applied: header background {header_bg}"
