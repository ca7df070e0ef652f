"""Issue 5's closing journey for an existing client, on a phone: book a session in the
portal, then download my data and find that booking in it."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.sync_api import expect

from conftest import Cast
from iptcare.scheduling.models import Appointment
from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser


def test_a_client_books_a_session_and_downloads_their_data(
    new_page, login, browser_cast: Cast, therapist_hours: None, tmp_path
) -> None:
    client = browser_cast.clients["client"]
    booked_before = set(Appointment.objects.filter(client=client).values_list("pk", flat=True))
    phone = new_page(PHONE)
    login(phone, "client")

    phone.goto("/scheduling/my/book/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Book a session")
    # The first free week may be full: look up to four weeks ahead.
    for _ in range(4):
        if phone.locator(".slots__radio").count():
            break
        phone.get_by_role("link", name="Later →").click()
    phone.locator(".slots__time").first.click()
    screenshot(phone, "client-book-01-slot-chosen")
    phone.get_by_role("button", name="Book this time").click()
    expect(phone.locator(".messages")).to_be_visible()
    screenshot(phone, "client-book-02-booked")
    new = Appointment.objects.filter(client=client).exclude(pk__in=booked_before)
    assert new.count() == 1
    appointment = new.get()
    assert appointment.status == "booked"

    phone.goto("/portal/my-data/")
    with phone.expect_download() as download_info:
        phone.get_by_role("button", name="Download my data (zip)").click()
    path = tmp_path / "my-data.zip"
    download_info.value.save_as(path)
    screenshot(phone, "client-book-03-download-page")
    with zipfile.ZipFile(path) as bundle:
        assert {"summary.pdf", "my-data.json"} <= set(bundle.namelist())
        data = json.loads(bundle.read("my-data.json"))
        assert bundle.read("summary.pdf").startswith(b"%PDF")
    text = json.dumps(data)
    assert client.legal_name in text
    assert appointment.starts_at.date().isoformat() in text
    assert browser_cast.clients["client2"].legal_name not in text  # never another client's
