"""Browser fixtures: Debian's /usr/bin/chromium driven by Playwright (sync API).

One chromium per run (session scope); a fresh context and page per test. Never
`playwright install`: we only launch the system browser by path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread, which makes Django's
# ORM refuse synchronous queries (SynchronousOnlyOperation) from fixtures and tests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from conftest import Cast, ensure_cast  # noqa: E402  (root conftest)
from tests import factories  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
# Playwright waits at most this long (ms) for any one action or expectation.
TIMEOUT_MS = 15_000

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "test-results"
SCREENSHOTS_DIR = RESULTS_DIR / "screenshots"
FAILURES_DIR = RESULTS_DIR / "failures"


def _unavailable(reason: str) -> None:
    """Skip with a printed reason; in CI (CI=true) fail instead: CI must never skip these."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: browser tests cannot run: {reason}", pytrace=False)
    print(f"Skipping browser tests: {reason}")
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    # Keep each phase's report on the item so the page fixture can tell a failed test.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[object]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} does not exist (install Debian's chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the dev extra pins playwright
        _unavailable(f"playwright is not importable: {exc}")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """One headless chromium for the whole run.

    A chromium that exists but will not start is a broken setup, not a reason to skip:
    the launch error propagates.
    """
    chromium = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def browser_cast(live_server, transactional_db) -> Cast:
    """The cast, built again for each test: live_server tests empty the database after."""
    return ensure_cast()


# The cast's therapists see clients every day, 9 to 5, in person.
EVERY_DAY = [(day, 9, 17, "in_person") for day in range(7)]


@pytest.fixture
def therapist_hours(browser_cast: Cast) -> None:
    """Weekly hours for the cast's therapists, so there are times to book."""
    for role in ("therapist", "therapist2", "student"):
        factories.weekly_hours(browser_cast.users[role], EVERY_DAY)


@pytest.fixture
def new_page(browser, live_server, browser_cast, request):
    """Factory: a page in its own fresh context (no cookies) at the given viewport."""
    contexts = []
    pages = []

    def make(viewport: dict[str, int] = DESKTOP):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, locale="en-CA", timezone_id="UTC"
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield make

    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        FAILURES_DIR.mkdir(parents=True, exist_ok=True)
        for n, page in enumerate(pages):
            name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in request.node.name)
            try:
                page.screenshot(path=str(FAILURES_DIR / f"{name}-{n}.png"), full_page=True)
            except Exception:  # best effort only: the page may already be gone
                pass
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page (1280x900), logged out."""
    return new_page(DESKTOP)


@pytest.fixture
def login(browser_cast: Cast) -> Callable[..., None]:
    """Log in through the real login form and wait to leave the login page."""

    def do_login(page, role: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(browser_cast.users[role].email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return do_login


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-results/screenshots/ and return its path."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
