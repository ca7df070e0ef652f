"""Journey 5, termination: a Brief IPT course reaches its last two sessions; the course page
and the new note's agenda say so; the therapist reviews progress (scores at the start and
now, the outcome so far), writes the termination record and ends the course as completed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from conftest import Cast
from iptcare.courses.models import Course
from iptcare.courses.selectors import clinic_today
from iptcare.formulation.models import TerminationRecord
from iptcare.measures.selectors import score_points
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


def _brief_course_at_session_7(cast: Cast) -> Course:
    """Brief IPT (8 sessions) for a role dispute with the client's wife: six weekly
    sessions held, an agreed formulation and the initial inventory, PHQ-9 at the first
    session and the fifth."""
    today = clinic_today(cast.clinic)
    client = factories.client(
        cast.clinic, therapists=[cast.users["therapist"]], legal_name="Ari Ending"
    )
    course = factories.open_course(
        client, protocol="brief", planned=8, start_date=today - timedelta(weeks=6)
    )
    notes = factories.signed_notes(course, 6)
    factories.person(course, "Wren Wife", relation="wife", ring=1, conflict=2)
    factories.person(course, "Mo Mother", relation="mother", ring=2, practical_support=2)
    factories.focus_area(course, "role_dispute", goals="Plan the week together")
    factories.formulation(course, agreed_on=notes[1].date)
    factories.snapshot(course, "initial", taken_on=notes[1].date)
    for note, total in ((notes[0], 14), (notes[4], 8)):
        with factories.clock_at(cast.clinic, note.date, 9):
            factories.submit(
                course, "phq9", factories.phq9_answers(total), session_number=note.number
            )
    return course


def test_a_therapist_reviews_progress_and_completes_an_ending_course(
    new_page, login, browser_cast: Cast
) -> None:
    today = clinic_today(browser_cast.clinic)
    course = _brief_course_at_session_7(browser_cast)
    phq9 = score_points(course, "phq9")
    assert len(phq9) >= 2, "PHQ-9 scores at the start and lately"
    (first_day, first), (last_day, last) = phq9[0], phq9[-1]

    page = new_page(DESKTOP)
    login(page, "therapist")
    page.goto(f"/courses/{course.pk}/")
    expect(page.locator(".course-head")).to_contain_text("Session 7 of 8 · termination phase")
    notice = page.locator(".course-ending")
    expect(notice).to_contain_text("2 sessions left, this one included")
    expect(notice).to_contain_text("Name the ending")
    screenshot(page, "termination-01-course-ending-notice")

    # Session 7's note starts with the ending on its agenda.
    page.get_by_role("link", name="New session note").click()
    page.get_by_role("button", name="Start the note").click()
    agenda = page.locator(".agenda")
    expect(agenda.locator("li").first).to_contain_text(
        "Ending phase: 2 sessions left, this one included"
    )
    expect(agenda).to_contain_text("Say explicitly that therapy is ending")
    expect(agenda).to_contain_text("Warning signs and a plan for recurrence")
    expect(page.locator(".course-head")).to_contain_text("Session 7 of 8")
    screenshot(page, "termination-02-note-agenda")
    page.get_by_label("Mood rating").fill("7")
    page.get_by_label("Focus-area work").fill(
        "Named the ending: one more session. Ari credits the weekly planning talk."
    )
    page.get_by_label("No risk indicated").check()
    page.get_by_role("button", name="Sign the note").click()
    expect(page.locator(".messages")).to_contain_text("Signed. The note is now locked")

    # The progress review: scores at the start and now, filled in from the records.
    page.get_by_role("link", name="Termination", exact=True).click()
    expect(page.locator("main")).to_contain_text("The course is in its termination phase")
    review = page.locator("section", has=page.get_by_role("heading", name="Progress review"))
    expect(review).to_contain_text("Role dispute")
    row = review.locator("tr", has=page.get_by_role("rowheader", name="PHQ-9"))
    expect(row.locator("td").nth(0)).to_contain_text(f"{first} ({first_day:%-d %b %Y})")
    expect(row.locator("td").nth(1)).to_contain_text(f"{last} ({last_day:%-d %b %Y})")
    expect(row.locator("td").nth(2)).to_have_text(f"{last - first:+d}")

    # The inventory now, kept as the termination snapshot.
    page.get_by_role("link", name="Take the termination snapshot on the inventory page.").click()
    page.get_by_label("Snapshot of").select_option(label="Termination")
    page.get_by_role("button", name="Take snapshot").click()
    page.get_by_role("link", name="Termination", exact=True).click()
    expect(review).not_to_contain_text("no termination snapshot yet")
    expect(
        page.get_by_role("link", name="Take the termination snapshot on the inventory page.")
    ).to_have_count(0)

    record = page.locator("section", has=page.get_by_role("heading", name="Termination record"))
    record.get_by_label("Progress on the focus-area goals").fill(
        "A shared budget for his mother's care; silences now end within a day."
    )
    record.get_by_label("The client's own account of what helped").fill(
        "Saying what I need instead of going quiet; the Sunday planning talk."
    )
    record.get_by_label("Warning signs").fill(
        "Sleeping badly, skipping the Sunday talk, long silences at dinner."
    )
    record.get_by_label("Plan if depression comes back").fill(
        "Restart the Sunday talk; call the clinic for a booster session within two weeks."
    )
    record.get_by_label("Recommendation").select_option(label="End treatment")
    record.get_by_label("Why, and next steps").fill(
        "PHQ-9 below caseness; booster session on request."
    )
    record.get_by_label("Completed on").fill(today.isoformat())
    record.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Termination record saved.")
    expect(record.get_by_label("Recommendation")).to_have_value("end")
    expect(record.get_by_label("Warning signs")).to_have_value(
        "Sleeping badly, skipping the Sunday talk, long silences at dinner."
    )
    saved = TerminationRecord.objects.get(course=course)
    assert saved.recommendation == "end" and "booster" in saved.recurrence_plan
    screenshot(page, "termination-03-review-and-record")

    # The score chart and the outcome so far, on the course's measures page.
    page.get_by_role("link", name="Measures", exact=True).click()
    expect(page.get_by_role("heading", name="Outcome so far")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"PHQ-9 fell {first} → {last}")
    expect(page.get_by_role("heading", name="Scores over time")).to_be_visible()
    expect(page.locator("main svg").first).to_be_visible()
    screenshot(page, "termination-04-scores-and-outcome")

    # The course ends as completed; its records stay readable.
    page.get_by_role("link", name="Course", exact=True).click()
    page.get_by_role("link", name="End the course", exact=True).click()
    page.get_by_label("Completed", exact=True).check()
    expect(page.get_by_label("Ended on")).to_have_value(today.isoformat())
    page.get_by_role("button", name="End the course").click()
    expect(page.locator(".messages")).to_contain_text("The course is closed.")
    expect(page.locator(".page-head .badge")).to_have_text("Completed")
    expect(page.get_by_role("link", name="New session note")).to_have_count(0)
    expect(page.locator(".course-ending")).to_have_count(0)
    # A closed course no longer names a "current" session.
    expect(page.locator(".course-head")).to_contain_text("7 sessions held of 8 planned")
    expect(page.locator(".course-head")).not_to_contain_text("Session 8 of 8")
    screenshot(page, "termination-05-course-completed")
    course.refresh_from_db()
    assert course.status == "completed" and course.ended_on == today

    phone = new_page(PHONE)
    login(phone, "therapist")
    phone.goto(f"/courses/{course.pk}/termination/")
    expect(phone.get_by_role("heading", name="Termination record")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "termination-06-record-phone")
