"""The review loop in the browser (journey 6): the supervisor returns the student's note
with a comment, the student revises and re-signs it on a 360 px phone, the supervisor sees
what changed, co-signs it and rates the session, and the drift notice shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import Cast
from iptcare.courses.models import SessionNote
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


def test_a_note_goes_back_and_forth_until_cosigned(new_page, login, browser_cast: Cast):
    course = factories.open_course(browser_cast.clients["student_client"], weeks_ago=3)
    # Two earlier sessions, co-signed and rated 3 and 2 of 5: one more low rating brings
    # the mean of the last three below the pass mark (3.0).
    for earlier, score in zip(factories.signed_notes(course, 2), [3, 2], strict=True):
        factories.cosign(earlier)
        factories.fidelity_rating(earlier, browser_cast.users["supervisor"], score)
    note = factories.signed_note(course, plan_next="Review the inventory.")
    note_url = f"/courses/{course.pk}/notes/{note.pk}/"

    supervisor = new_page(DESKTOP)
    login(supervisor, "supervisor")
    supervisor.goto(note_url)
    supervisor.get_by_role("link", name="Co-sign this note or return it for revision").click()
    supervisor.get_by_role("button", name="Return for revision").click()
    expect(supervisor.locator("#id_comment_error")).to_contain_text("general comment")
    supervisor.get_by_label("General comment").fill("Say who the inventory starts with.")
    supervisor.get_by_label("Comment on “Plan for next session”").fill("Which person first?")
    screenshot(supervisor, "review-1-supervisor-returns")
    supervisor.get_by_role("button", name="Return for revision").click()
    expect(supervisor.locator(".messages")).to_contain_text("Returned to")

    student = new_page(PHONE)
    login(student, "student")
    student.goto("/home/")
    expect(student.locator("#returned-h")).to_contain_text("Notes returned to you")
    student.locator("section[aria-labelledby=returned-h] a").first.click()
    expect(student.locator(".page-head .badge")).to_have_text("Returned for revision")
    expect(student.locator(".review-comment").first).to_contain_text("Say who")
    expect(student.get_by_text("Which person first?")).to_be_visible()
    student.wait_for_load_state()  # htmx (deferred) binds the autosave once the page loads
    student.get_by_label("Plan for next session").fill("Review the inventory with her mother.")
    expect(student.locator("#autosave-status")).to_contain_text("Saved")
    screenshot(student, "review-2-student-revises-phone")
    student.get_by_role("button", name="Sign the note").click()
    expect(student.locator(".messages")).to_contain_text("waits for your supervisor")
    width = student.evaluate("document.documentElement.scrollWidth")
    assert width <= 360

    supervisor.goto(f"/supervision/notes/{course.pk}/{note.pk}/versions/")
    expect(supervisor.locator(".version ins").first).to_contain_text("with her mother.")
    screenshot(supervisor, "review-3-versions")
    supervisor.goto(f"/supervision/notes/{course.pk}/{note.pk}/review/")
    supervisor.get_by_role("button", name="Co-sign", exact=True).click()
    expect(supervisor.locator(".messages")).to_contain_text("Co-signed: the note is final.")
    assert SessionNote.objects.get(pk=note.pk).status == "final"
    assert note.versions.count() == 2

    supervisor.goto(note_url)
    supervisor.get_by_role("link", name="Fidelity of this session").click()
    supervisor.get_by_role("button", name="Save the rating").click()
    expect(supervisor.locator(".alert--error")).to_contain_text("Nothing was saved")
    for radio in supervisor.locator('input.fidelity-scores[value="2"]').all():
        radio.check()
    supervisor.get_by_label("Comment").fill("Advice-giving crept back in; little affect.")
    screenshot(supervisor, "review-4-supervisor-rates")
    supervisor.get_by_role("button", name="Save the rating").click()
    expect(supervisor.locator(".messages")).to_be_visible()
    supervisor.goto("/home/")
    notice = "The last three rated sessions average 2.3, below the clinic's pass mark of 3.0."
    expect(supervisor.locator(".drift-notice")).to_have_text(notice)
    screenshot(supervisor, "review-5-drift-notice-on-home")
    student.goto("/supervision/fidelity/mine/")
    expect(student.get_by_text(notice)).to_be_visible()
    screenshot(student, "review-6-student-sees-the-trend-phone")
