"""Journey 1 (intake) on a 360 px phone: from the public pages to a booked first session."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from iptcare.clients.models import Client
from iptcare.clinic.services import clinic_update
from iptcare.intake.models import IntakeRequest
from tests import factories
from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser

NEWCOMER = {
    "name": "Robin Fisher",
    "email": "robin.fisher@example.test",
    "phone": "416-555-0123",
    "concerns": "Since my divorce in the spring I sleep badly and have stopped seeing friends.",
    "password": "Quiet-harbour-2031",
}


def _fits_the_phone(page) -> None:
    """Nothing is wider than the 360 px screen (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _booking_url() -> str | None:
    try:
        return reverse("scheduling:my_book")
    except NoReverseMatch:
        return None


def test_a_newcomer_reads_about_ipt_asks_for_help_and_books_a_first_session(
    new_page, login, browser_cast, therapist_hours, mailoutbox
):
    # The clinic names the fourth focus area in its own words.
    clinic_update(
        actor=factories.SYSTEM,
        clinic=browser_cast.clinic,
        fourth_focus_area_label="Interpersonal sensitivity",
    )
    therapist = browser_cast.users["therapist"].full_name
    # 1. A prospective client reads about IPT and the four focus areas on a phone.
    visitor = new_page(PHONE)
    visitor.goto("/")
    expect(visitor.get_by_role("link", name="Book a consultation").first).to_be_visible()
    _fits_the_phone(visitor)
    screenshot(visitor, "intake-01-home-phone")
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="About IPT").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("What IPT is")
    for area in ["Grief", "Role disputes", "Role transitions", "Interpersonal sensitivity"]:
        expect(visitor.locator(".public-areas")).to_contain_text(area)
    expect(visitor.locator("main")).to_contain_text("12 to 20")
    _fits_the_phone(visitor)
    screenshot(visitor, "intake-02-about-phone")

    # ... sees the therapists and their fees ...
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Therapists").click()
    expect(visitor.get_by_role("heading", name=re.compile(therapist))).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("Practicum student")
    _fits_the_phone(visitor)
    screenshot(visitor, "intake-03-therapists-phone")

    # 2. ... and sends the intake form. A first try without consent is refused, kept, and
    # says why beside the box.
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Contact").click()
    visitor.get_by_role("link", name="Fill in the form").click()
    visitor.get_by_label("Your name").fill(NEWCOMER["name"])
    visitor.get_by_label("Email address").fill(NEWCOMER["email"])
    visitor.get_by_label("Phone number", exact=True).fill(NEWCOMER["phone"])
    visitor.get_by_label("Text message").check()
    guardian = visitor.get_by_role("group", name="Parent or guardian")
    visitor.get_by_label("Date of birth").fill("1988-07-14")
    expect(guardian).to_be_hidden()  # an adult: no parent or guardian fields
    visitor.get_by_label("What brings you to us?").fill(NEWCOMER["concerns"])
    visitor.get_by_label("Divorce").check()
    visitor.get_by_label("Weekday evenings").check()
    visitor.get_by_label("A registered therapist").check()
    visitor.get_by_role("button", name="Send my request").click()
    expect(visitor.locator("#id_consent_to_contact_error")).to_contain_text("agree to be contacted")
    expect(visitor.get_by_label("Your name")).to_have_value(NEWCOMER["name"])
    assert not IntakeRequest.objects.filter(email=NEWCOMER["email"]).exists()
    screenshot(visitor, "intake-04-form-error-phone")
    visitor.get_by_label("I agree that the clinic may contact me").check()
    visitor.get_by_role("button", name="Send my request").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Thank you, we have your request")
    expect(visitor.locator("main")).to_contain_text("by text message")
    _fits_the_phone(visitor)
    screenshot(visitor, "intake-05-thanks-phone")

    # 3. The administrator triages it and creates the client with a therapist.
    admin = new_page(PHONE)
    login(admin, "admin")
    admin.goto("/intake/")
    admin.get_by_role("link", name=NEWCOMER["name"]).click()
    expect(admin.locator("main")).to_contain_text(NEWCOMER["concerns"])
    admin.get_by_label("New status").select_option(label="Contacted")
    admin.get_by_label("Note (optional)").fill("Texted; she can do Tuesday evenings.")
    admin.get_by_role("button", name="Change status").click()
    expect(admin.locator(".intake-history")).to_contain_text("New → Contacted")
    screenshot(admin, "intake-06-request-triaged-phone")
    admin.get_by_role("link", name="Create client and invite").click()
    # The date of birth the newcomer gave is already there.
    expect(admin.get_by_label("Date of birth")).to_have_value("1988-07-14")
    admin.get_by_label(therapist).check()
    admin.get_by_role("button", name="Create client").click()
    expect(admin.locator(".messages")).to_contain_text("invited to the portal")
    client = Client.objects.get(email=NEWCOMER["email"])
    assert "Divorce" in client.presenting_concerns
    screenshot(admin, "intake-07-client-created-phone")

    # 4. The client receives the invitation and sets a password.
    # (Other emails of the clinic, e.g. alerts to staff, may be in the outbox.)
    to_newcomer = [m for m in mailoutbox if m.to == [NEWCOMER["email"]]]
    assert len(to_newcomer) == 1
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", to_newcomer[0].body)
    assert link is not None, to_newcomer[0].body
    newcomer = new_page(PHONE)
    newcomer.goto(urlparse(link.group(0)).path)
    newcomer.locator("#id_new_password1").fill(NEWCOMER["password"])
    newcomer.locator("#id_new_password2").fill(NEWCOMER["password"])
    screenshot(newcomer, "intake-08-set-password-phone")
    newcomer.get_by_role("button", name="Set my password").click()
    expect(newcomer).to_have_url(re.compile(r"/portal/$"))
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Hello, Robin")
    _fits_the_phone(newcomer)
    screenshot(newcomer, "intake-09-portal-phone")

    # 5. ... and books a first session with their therapist (when online booking exists).
    book = _booking_url()
    if book is None:
        return
    newcomer.goto(book)
    for _ in range(4):  # the first week shown may have no free time left
        if newcomer.locator(".slots__radio").count():
            break
        newcomer.get_by_role("link", name=re.compile("Later")).first.click()
    first_slot = newcomer.locator(".slots__time").first
    first_slot.click()
    screenshot(newcomer, "intake-10-book-phone")
    newcomer.get_by_role("button", name="Book this time").click()
    expect(newcomer.locator(".messages")).to_contain_text("Booked")
    _fits_the_phone(newcomer)
    screenshot(newcomer, "intake-11-booked-phone")
    assert client.appointments.filter(status="booked").count() == 1


def test_a_client_reflects_before_the_first_session_and_the_therapist_reads_it(
    new_page, login, browser_cast
):
    client2 = browser_cast.clients["client2"]
    client = new_page(PHONE)
    login(client, "client2")
    client.goto("/intake/my-reflection/")
    client.get_by_label("Which situations change my mood?").fill("When I visit my father's house.")
    client.get_by_label("They keep coming back").check()
    # Saved as she goes: no button pressed yet.
    expect(client.locator("#save-status")).to_contain_text("Saved at")
    client.get_by_label("Loneliness").select_option("8")
    _fits_the_phone(client)
    screenshot(client, "intake-12-reflection-phone")
    client.get_by_role("button", name="I'm done: share with my therapist").click()
    expect(client).to_have_url(re.compile(r"/portal/$"))

    therapist = new_page(PHONE)
    login(therapist, "therapist2")
    therapist.goto(f"/intake/reflections/{client2.pk}/")
    summary = therapist.locator(".reflection-summary")
    expect(summary).to_contain_text("When I visit my father's house.")
    expect(summary).to_contain_text("They keep coming back")
    expect(summary).to_contain_text("Loneliness")
    _fits_the_phone(therapist)
    screenshot(therapist, "intake-13-reflection-therapist-phone")
