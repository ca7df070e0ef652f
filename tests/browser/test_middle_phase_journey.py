"""Journey 4, the middle phase: the therapist works the client's role dispute with their
mother (stage and its dated history, a communication analysis turned into a role-play,
homework), the client logs how the practice went on a phone, and the therapist reads the
practice log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import Cast
from iptcare.courses.selectors import clinic_today
from iptcare.formulation.models import CommunicationAnalysis, HomeworkTask
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser

TASK = "Ask Mum for a 15-minute call on Sunday to plan the next visit."


def test_a_therapist_works_a_role_dispute_and_the_client_logs_the_practice(
    new_page, login, browser_cast: Cast
) -> None:
    today = clinic_today(browser_cast.clinic)
    worked = factories.course_in_middle_phase(browser_cast.clients["client"])
    course = worked.course
    mother = worked.people["mother"]
    with_mother = f"{mother.name} ({mother.relation})"
    # Today's session is the draft note; the records below belong to it.
    session = course.notes.get(status="draft").number

    page = new_page(DESKTOP)
    login(page, "therapist")
    page.goto(f"/courses/{course.pk}/")
    expect(page.locator(".course-head")).to_contain_text("middle phase")
    page.get_by_role("link", name="Focus-area work", exact=True).click()
    page.locator("main").get_by_role("link", name="Role dispute").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Role dispute")
    stage = page.locator("form.fm-stage")
    expect(page.get_by_role("heading", name="Stage: Renegotiation")).to_be_visible()

    # The dispute has stalled again: record the new stage and see it join the history.
    stage.get_by_label("Stage").select_option(label="Impasse")
    stage.get_by_label("Since").fill(today.isoformat())
    stage.get_by_label("Note").fill("Mum hung up when Jo proposed the 14th; no calls since.")
    stage.get_by_role("button", name="Record the stage").click()
    expect(page.locator(".messages")).to_contain_text("Stage recorded.")
    expect(page.get_by_role("heading", name="Stage: Impasse")).to_be_visible()
    history = page.locator("main").get_by_text(f"Impasse from {today:%-d %b %Y}")
    expect(history).to_contain_text("Mum hung up when Jo proposed the 14th")
    expect(page.locator("main")).to_contain_text("Renegotiation from")
    # One of the dispute questions, answered afresh.
    page.get_by_label("What stops a resolution?").fill(
        "Jo goes quiet when Mum sounds hurt; Mum hears silence as rejection."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.get_by_label("What stops a resolution?")).to_have_value(
        "Jo goes quiet when Mum sounds hurt; Mum hears silence as rejection."
    )
    screenshot(page, "middle-phase-01-dispute-stage-history")

    # A communication analysis of the call, turn by turn.
    page.get_by_role("link", name="All focus-area work").click()
    page.get_by_role("link", name="Analyse an interaction").click()
    page.get_by_label("Title").fill("Call with Mum about the 14th")
    page.get_by_label("Session number").fill(str(session))
    page.get_by_label("With (from the inventory)").select_option(label=with_mother)
    page.get_by_label("Happened on").fill(today.isoformat())
    page.get_by_label("What led up to it").fill("Jo called to propose visiting on the 14th.")
    turns = [
        ("Jo", "hesitant", "I was thinking... maybe the 14th?", "anxious", "I miss you"),
        ("Mum", "sharp", "Maybe. If you can fit us in.", "small", ""),
    ]
    for index, (speaker, tone, said, felt, meant) in enumerate(turns):
        page.locator(f"#id_turn-{index}-speaker").fill(speaker)
        page.locator(f"#id_turn-{index}-tone").fill(tone)
        page.locator(f"#id_turn-{index}-said").fill(said)
        page.locator(f"#id_turn-{index}-felt").fill(felt)
        page.locator(f"#id_turn-{index}-meant").fill(meant)
    page.locator("#id_turn-0-hoped").fill("that Mum would say yes warmly")
    page.get_by_label("Outcome").fill("Jo ended the call; both upset.")
    page.get_by_label("Needlessly indirect words").check()
    page.get_by_label("Assuming one has understood").check()
    page.get_by_label("What else could have been said or done").fill(
        "“I'd love to come on the 14th. Can we plan it together?”"
    )
    page.get_by_label("Plan", exact=True).fill("Say the invitation directly, then ask.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Communication analysis saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call with Mum about the 14th")
    expect(page.locator("#id_turn-1-said")).to_have_value("Maybe. If you can fit us in.")
    expect(page.get_by_label("Needlessly indirect words")).to_be_checked()
    analysis = CommunicationAnalysis.objects.get(course=course, title__contains="the 14th")
    assert [turn["speaker"] for turn in analysis.turns] == ["Jo", "Mum"]
    assert set(analysis.problems) == {"indirect_words", "assumed_understanding"}
    screenshot(page, "middle-phase-02-communication-analysis")

    # ...which becomes a role-play, planned from the analysis.
    page.get_by_role("button", name="Make this a role-play").click()
    expect(page.locator(".messages")).to_contain_text("Role-play planned from the analysis.")
    expect(page.get_by_label("The therapist plays")).to_have_value(with_mother)
    expect(page.get_by_label("What the client wants to say")).to_have_value(
        "“I'd love to come on the 14th. Can we plan it together?”"
    )
    # The role-play does not inherit the analysis's session (it defaults to the next one,
    # reported to the formulation owner); the therapist sets today's session.
    page.get_by_label("Session number").fill(str(session))
    page.get_by_label("What to try in life").fill(TASK)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Role-play saved.")

    # Homework the client will see in the portal.
    page.goto(f"/courses/{course.pk}/homework/")
    page.get_by_role("link", name="Set a task").click()
    page.get_by_label("Task").fill(TASK)
    page.get_by_label("Set at session").fill(str(session))
    page.get_by_label("Due at session").fill(str(session + 1))
    expect(page.get_by_label("The client sees it in the portal")).to_be_checked()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Homework set.")
    expect(page.locator("main")).to_contain_text(TASK)
    screenshot(page, "middle-phase-03-homework-set")

    # Today's note lists the work recorded for this session.
    page.goto(f"/courses/{course.pk}/notes/{course.notes.get(number=session).pk}/")
    records = page.locator("aside:has(h3:text('Recorded for this session'))")
    for label in (
        "Communication analysis: Call with Mum about the 14th",
        "Role-play: Call with Mum about the 14th",
        "Homework set: Ask Mum for a 15-minute call",
    ):
        expect(records.get_by_role("link", name=label)).to_be_visible()

    # The client, on a phone, opens "My tasks" and logs how the practice went.
    phone = new_page(PHONE)
    login(phone, "client")
    phone.goto("/portal/")
    phone.get_by_role("link", name="My tasks").first.click()
    expect(phone).to_have_url(re.compile(r"/portal/homework/$"))
    task = phone.get_by_role("region", name=TASK)
    task.get_by_label("What happened").fill(
        "Called Mum on Sunday and said I'd love to come on the 14th. She said yes."
    )
    task.get_by_label("How I felt").fill("Nervous, then relieved")
    screenshot(phone, "middle-phase-04-client-logs-practice")
    task.get_by_role("button", name="Save my note").click()
    expect(phone.locator(".messages")).to_contain_text(
        "Thank you: your note is saved for your therapist."
    )
    expect(phone.locator("main")).to_contain_text("She said yes.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "middle-phase-05-client-practice-saved")

    # The therapist reads the practice log.
    homework = HomeworkTask.objects.get(course=course, text=TASK)
    page.goto(f"/courses/{course.pk}/homework/")
    listed = page.locator("main li").filter(has=page.get_by_role("link", name=TASK))
    listed.get_by_text("1 practice note from the client").click()
    expect(listed).to_contain_text("She said yes.")
    page.get_by_role("link", name=TASK).click()
    expect(page).to_have_url(re.compile(rf"/homework/{homework.pk}/$"))
    log = page.locator("main").get_by_text("The client's practice notes").locator("..")
    expect(log).to_contain_text("She said yes.")
    expect(log).to_contain_text("Nervous, then relieved")
    screenshot(page, "middle-phase-06-therapist-reads-practice-log")
