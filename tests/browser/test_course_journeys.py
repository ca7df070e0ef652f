"""Journeys through an IPT course: the therapist writes and signs a session note (with a
second tab that must not overwrite it), starts the next one from the course page, and a
supervisor co-signs a practicum student's note."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from conftest import Cast
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.selectors import clinic_today
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


def _at_session_10(cast: Cast) -> Course:
    """The client's course at session 10: eight weekly sessions signed, the ninth
    (today's) a draft."""
    today = clinic_today(cast.clinic)
    course = factories.open_course(cast.clients["client"], start_date=today - timedelta(weeks=8))
    for week in range(8):
        factories.signed_note(course, day=course.start_date + timedelta(weeks=week))
    factories.note(course, day=today, mood_rating=6, since_last_met="A better week.")
    return course


def test_a_therapist_writes_signs_and_continues_a_course(new_page, login, browser_cast: Cast):
    course = _at_session_10(browser_cast)
    draft = course.notes.get(status="draft")

    page = new_page(DESKTOP)
    login(page, "therapist")
    page.goto(f"/courses/{course.pk}/")
    expect(page.locator(".course-head")).to_contain_text("Session 10 of 16 · middle phase")
    expect(page.locator(".phase-bar__text")).to_contain_text("9 held of 16 planned")
    screenshot(page, "course-1-course-page")

    page.get_by_role("link", name="Session 9").click()
    expect(page.locator(".agenda")).to_contain_text("Interval question")
    # htmx is a deferred script: typing before the page has loaded sends no autosave.
    page.wait_for_load_state()
    page.get_by_label("Plan for next session").fill("Role-play asking a colleague to climb")
    expect(page.locator("#autosave-status")).to_contain_text("Saved", timeout=10_000)

    # A second tab on the same draft: its autosave is refused, not silently applied.
    other = page.context.new_page()
    other.goto(f"/courses/{course.pk}/notes/{draft.pk}/")
    page.get_by_label("Focus-area work").fill("Decision analysis: climbing club or not")
    expect(page.locator("#autosave-status")).to_contain_text("Saved", timeout=10_000)
    other.get_by_label("Plan for next session").fill("Typed in the other tab")
    expect(other.locator("#autosave-status")).to_contain_text("changed elsewhere", timeout=10_000)
    screenshot(other, "course-2-second-tab-conflict")
    other.close()
    assert SessionNote.objects.get(pk=draft.pk).plan_next == "Role-play asking a colleague to climb"

    page.get_by_label("No risk indicated").check()
    page.get_by_role("button", name="Sign the note").click()
    expect(page.locator(".messages")).to_contain_text("Signed. The note is now locked")
    expect(page.locator(".page-head .badge")).to_have_text("Signed")
    screenshot(page, "course-3-signed-note")

    page.get_by_role("link", name="Course", exact=True).click()
    page.get_by_role("link", name="New session note").click()
    page.get_by_role("button", name="Start the note").click()
    expect(page.locator(".agenda")).to_contain_text(
        "Plan from last time: Role-play asking a colleague to climb"
    )
    expect(page.locator(".course-head")).to_contain_text("Session 10 of 16")
    screenshot(page, "course-4-new-note-agenda")

    phone = new_page(PHONE)
    login(phone, "therapist")
    phone.goto(f"/courses/{course.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "course-5-course-page-phone")


def test_a_supervisor_cosigns_a_students_note(new_page, login, browser_cast: Cast):
    course = factories.open_course(browser_cast.clients["student_client"], weeks_ago=2)
    first, _second = factories.signed_notes(course, 2)  # the student's: they wait
    factories.cosign(first)
    waiting = course.notes.get(status="awaiting_cosignature")
    page = new_page(DESKTOP)
    login(page, "supervisor")
    page.goto(f"/courses/{course.pk}/notes/{waiting.pk}/")
    expect(page.locator(".page-head .badge")).to_have_text("Awaiting co-signature")
    # The note page leads to the supervisor's review, where they co-sign or return it.
    page.get_by_role("link", name="Co-sign this note or return it for revision").click()
    page.get_by_role("button", name="Co-sign", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Co-signed: the note is final.")
    screenshot(page, "course-6-cosigned-note")
    assert SessionNote.objects.get(pk=waiting.pk).status == "final"
