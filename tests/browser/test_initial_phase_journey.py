"""Journey 2, the initial phase: a therapist opens an IPT course for a new client, writes
and signs session 1's note, builds the inventory and the timeline, weighs IPTCare's
focus-area suggestion, and agrees the formulation and contract until every gate of the
phase checklist is ticked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from conftest import Cast
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.selectors import clinic_today
from iptcare.formulation.models import FocusAreaChoice
from tests import factories
from tests.browser.conftest import DESKTOP, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# A client in intake, with no therapist and no course yet.
CLIENT = "Sofia Marchetti"
# (name, relation, ring, practical support, emotional support, conflict)
PEOPLE = [
    ("Elena Marchetti", "daughter", "1", "1", "3", "0"),
    ("Giulia Bianchi", "friend", "2", "1", "2", "0"),
    ("Marco Marchetti", "former partner", "3", "0", "0", "1"),
]


def test_a_therapist_runs_the_initial_phase_to_an_agreed_formulation(
    new_page, login, browser_cast: Cast
) -> None:
    today = clinic_today(browser_cast.clinic)
    client = factories.client(
        browser_cast.clinic, legal_name=CLIENT, date_of_birth=date(1975, 10, 27), status="intake"
    )
    therapist = browser_cast.users["therapist"].full_name

    # The administrator assigns Sofia to the therapist.
    admin = new_page(DESKTOP)
    login(admin, "admin")
    admin.goto(f"/clients/{client.pk}/edit/")
    admin.get_by_label(therapist).check()
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator("main")).to_contain_text(therapist)
    admin.context.close()

    page = new_page(DESKTOP)
    login(page, "therapist")
    page.goto("/courses/new/")
    page.get_by_label("Client").select_option(label=f"{CLIENT} ({client.chart_number})")
    page.get_by_label("Protocol").select_option(label="Standard IPT")
    page.get_by_label("Planned sessions").fill("16")
    page.get_by_role("button", name="Start the course").click()
    expect(page.locator(".messages")).to_contain_text("Standard IPT started.")
    expect(page.locator(".course-head")).to_contain_text("Session 1 of 16 · initial phase")
    gates = page.locator("ul.gates")
    expect(gates.locator(".gate--open")).to_have_count(5)
    screenshot(page, "initial-phase-01-new-course")
    course = Course.objects.get(client=client)

    # Session 1: the PHQ-9 on the therapist's device, then the note.
    page.get_by_role("link", name="Measures", exact=True).click()
    page.get_by_role("link", name="PHQ-9", exact=True).click()
    for number in range(1, 9):
        page.locator(f"#q-item_{number}").get_by_label("More than half the days").check()
    page.locator("#q-item_9").get_by_label("Not at all").check()
    page.locator("#q-extra_difficulty").get_by_label("Very difficult").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    # The device comes back to the therapist only with their password.
    page.get_by_role("link", name="Therapist: back to the record").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Back to the record").click()
    page.wait_for_url(f"**/measures/course/{course.pk}/")

    page.goto(f"/courses/{course.pk}/")
    page.get_by_role("link", name="New session note").click()
    page.get_by_role("button", name="Start the note").click()
    expect(page.locator(".agenda")).to_contain_text("Interpersonal inventory")
    expect(page.locator(".agenda")).to_contain_text("Give the sick role")
    page.get_by_label("Mood rating").fill("3")
    page.get_by_label("Since we last met").fill(
        "Stopped seeing friends after the bakery closed; mood lowest on weekday mornings."
    )
    page.get_by_label("Focus-area work").fill(
        "PHQ-9 with Sofia: major depression, moderately severe. Explained it as a common, "
        "treatable illness and gave the sick role."
    )
    page.get_by_label("Psychoeducation").check()
    page.get_by_label("No risk indicated").check()
    page.get_by_label("Risk: what was discussed").fill(
        "Asked about thoughts of self-harm or suicide: none. Knows the 9-8-8 line."
    )
    page.get_by_label("Plan for next session").fill("Interpersonal inventory.")
    page.get_by_role("button", name="Sign the note").click()
    expect(page.locator(".messages")).to_contain_text("Signed. The note is now locked")
    expect(page.locator(".page-head .badge")).to_have_text("Signed")
    screenshot(page, "initial-phase-02-session-1-signed")
    note = SessionNote.objects.get(course=course)
    assert (note.number, note.mood_rating, note.risk_check) == (1, 3, "none_indicated")

    # The interpersonal inventory and its closeness circle.
    page.get_by_role("link", name="Inventory", exact=True).click()
    for name, relation, ring, practical, emotional, conflict in PEOPLE:
        page.get_by_role("link", name="Add a person").click()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Relation").fill(relation)
        page.get_by_label("Closeness ring").select_option(ring)
        page.get_by_label("Practical support").select_option(practical)
        page.get_by_label("Emotional support").select_option(emotional)
        page.get_by_label("Conflict level").select_option(conflict)
        if relation == "former partner":
            page.get_by_label("Status").select_option(label="Relationship ended")
        if relation == "daughter":
            page.get_by_label("Confidant").check()
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".messages")).to_contain_text(f"{name} added to the inventory.")
    circle = page.get_by_role("img", name="Closeness circle of Sofia")
    expect(circle).to_be_visible()
    expect(circle.locator("g.person")).to_have_count(3)
    expect(circle.locator("desc")).to_contain_text("with 3 people")
    for name, *_ in PEOPLE:
        expect(circle).to_contain_text(name)
    expect(page.get_by_role("heading", name="People (3)")).to_be_visible()
    screenshot(page, "initial-phase-03-inventory-circle")

    # The timeline: the bakery closed five months ago; the low mood began a month later.
    job_lost = today - timedelta(days=150)
    onset = today - timedelta(days=120)
    page.get_by_role("link", name="Timeline", exact=True).click()
    page.get_by_role("link", name="Add a life event").click()
    page.get_by_label("Event").select_option(label="Job loss")
    page.get_by_label("Title").fill("Laid off when the bakery closed")
    page.get_by_label("Date (or start)").fill(job_lost.isoformat())
    page.get_by_label("Notes").fill("Twelve years at the same bakery; it closed without warning.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Event added to the timeline.")
    page.get_by_role("link", name="Add an episode or the onset").click()
    page.get_by_label("Onset").fill(onset.isoformat())
    page.get_by_label("Current episode").check()
    page.get_by_label("Notes").fill("Low mood, poor sleep, stopped seeing friends.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Episode added to the timeline.")
    expect(page.locator("main")).not_to_contain_text("No onset recorded")
    life_chart = page.get_by_role("img", name="Life chart")
    # The chart shortens long titles; the list below it gives them in full.
    expect(life_chart).to_contain_text("Laid off when the bakery")
    expect(life_chart.locator("desc")).to_contain_text(
        f"Onset of the current episode {onset:%-d %B %Y}. 1 life event"
    )
    expect(page.locator("main")).to_contain_text("Laid off when the bakery closed · Job loss")
    expect(page.locator("main")).to_contain_text(f"from {onset:%-d %b %Y}")
    screenshot(page, "initial-phase-04-timeline")

    # The suggestion, with its reasons; the therapist decides.
    page.get_by_role("link", name="Formulation", exact=True).click()
    suggestions = page.locator(".fm-suggestions > li")
    expect(suggestions.first).to_contain_text("Role transition")
    expect(suggestions.first).to_contain_text("Job loss 4 weeks before onset")
    expect(suggestions.filter(has_text="Grief")).to_contain_text("No death or other loss")
    screenshot(page, "initial-phase-05-suggestion")
    suggestions.first.get_by_role("link", name="Choose role transition").click()
    expect(page.get_by_label("Area")).to_have_value("role_transition")
    page.get_by_role("button", name="Save").click()
    # Evidence and goals are required: nothing is saved without them.
    expect(page.locator(".alert--error")).to_contain_text("Nothing has been saved.")
    expect(page.locator("#id_evidence_error")).to_have_text("This field is required.")
    assert not FocusAreaChoice.objects.filter(course=course).exists()
    page.get_by_label("Evidence").fill(
        "Depression began a month after losing her job of twelve years at the bakery."
    )
    page.get_by_label("Goals").fill("Mourn the bakery job\nFind a new daily routine and work")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".course-head")).to_contain_text("Role transition")

    page.get_by_role("link", name="Write or edit").click()
    page.get_by_label("Interpersonal formulation").fill(
        "Sofia's depression began a month after the bakery she worked at for twelve years "
        "closed: a role transition that took away her daily routine, her colleagues and her "
        "sense of being useful. We agreed to work on this change."
    )
    page.get_by_label("Date the client agreed").fill(today.isoformat())
    page.get_by_label("Sessions agreed").fill("16")
    page.get_by_label("Frequency").select_option(label="Weekly")
    page.get_by_label("Focus agreed").fill("Role transition: the loss of the bakery job")
    page.get_by_label("Missed session policy").fill(
        "Cancel 24 hours ahead; a missed session still counts toward the 16."
    )
    page.get_by_label("Date the contract was agreed").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    main = page.locator("main")
    expect(main).to_contain_text("sense of being useful")
    expect(main).to_contain_text(f"{today:%-d %b %Y}")
    expect(main).not_to_contain_text("Not agreed yet")
    expect(main).not_to_contain_text("No contract agreed yet")
    screenshot(page, "initial-phase-06-formulation")

    # Every gate of the initial phase is now ticked.
    page.get_by_role("link", name="Course", exact=True).click()
    expect(gates.locator(".gate--open")).to_have_count(0)
    expect(gates.locator(".gate--done")).to_have_count(5)
    expect(gates).to_contain_text("Inventory: 3 people ✓")
    expect(gates).to_contain_text("Focus areas: 1 chosen ✓")
    expect(gates).to_contain_text(f"Formulation agreed: {today:%-d %b %Y} ✓")
    expect(gates).to_contain_text("Contract: agreed ✓")
    screenshot(page, "initial-phase-07-checklist-done")
