"""The end-of-treatment report in the browser (journey 5): the therapist drafts it from
the course page, edits it and signs it on a desktop; the client finds it in Documents on
a 360 px phone and downloads the PDF, byte for byte the stored one."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import Cast
from iptcare.reports.models import TreatmentReport
from iptcare.reports.tests.treatment_helpers import finished_course, pdf_text
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


def test_the_therapist_signs_the_report_and_the_client_downloads_it(
    new_page, login, browser_cast: Cast
):
    course = finished_course(browser_cast.clients["client"])

    therapist = new_page(DESKTOP)
    login(therapist, "therapist")
    therapist.goto(f"/courses/{course.pk}/")
    therapist.get_by_role("link", name="Reports and letters").click()
    therapist.get_by_label("Kind of report").select_option("end_of_treatment")
    therapist.get_by_role("button", name="Draft the report").click()
    expect(therapist.locator(".messages")).to_contain_text("drafted from the records")
    expect(therapist.locator(".report-preview")).to_contain_text("PHQ-9 fell 18 → 7")
    therapist.get_by_label("Text of “Recommendations”").fill(
        "Monthly maintenance sessions for six months; see your family doctor in May."
    )
    therapist.locator("#id_include_formulation").uncheck()
    therapist.get_by_role("button", name="Save the draft").click()
    expect(therapist.locator(".report-preview")).to_contain_text("family doctor in May")
    expect(therapist.locator(".report-preview")).not_to_contain_text("Test formulation")
    screenshot(therapist, "report-1-therapist-edits")
    therapist.get_by_role("button", name="Sign the report").click()
    expect(therapist.locator(".messages")).to_contain_text("stored and shared with the client")
    report = TreatmentReport.objects.get(course=course)
    assert report.status == TreatmentReport.Status.FINAL

    client = new_page(PHONE)
    login(client, "client")
    client.goto("/portal/documents/")
    expect(client.locator("#reports-h")).to_be_visible()
    screenshot(client, "report-2-client-documents-phone")
    with client.expect_download() as downloaded:
        client.get_by_role("link", name="Download (PDF)").click()
    data = Path(downloaded.value.path()).read_bytes()
    assert data == bytes(report.pdf or b"")
    text = pdf_text(data)
    assert "Cleo Client" in text and "family doctor in May" in text
    assert "Test formulation" not in text
    assert client.evaluate("document.documentElement.scrollWidth") <= 360
