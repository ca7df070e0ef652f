"""The report pages: drafting from the course page, editing and signing through the form,
bad input beside the field with nothing saved, and a bounded number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast
from iptcare.reports.models import TreatmentReport
from iptcare.reports.selectors import SECTION_KEYS
from iptcare.reports.tests.treatment_helpers import drafted, finished_course, pdf_text
from tests import factories

pytestmark = pytest.mark.django_db


def _form_data(report: TreatmentReport, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {"version": report.version}
    for key in SECTION_KEYS:
        section = report.sections[key]
        if section["include"]:
            data[f"include_{key}"] = "on"
        data[f"text_{key}"] = section["text"]
    data.update(changes)
    return data


def test_the_course_page_links_the_treating_therapist_to_its_reports(cast: Cast) -> None:
    course = finished_course(cast.clients["client"])
    url = reverse("reports:course_reports", args=[course.pk])

    assert (
        url
        in cast.http("therapist").get(reverse("courses:detail", args=[course.pk])).content.decode()
    )
    response = cast.http("therapist").post(url, {"kind": "end_of_treatment"})

    report = TreatmentReport.objects.get(course=course)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:treatment_report", args=[report.pk])
    page = cast.http("therapist").get(response["Location"]).content.decode()
    assert "Sleeping badly for a week" in page  # pre-filled from the termination record
    assert "PHQ-9 fell 18 → 7" in page  # the preview, from the same template as the PDF
    assert "Cleo Client" in page and "C00001" in page  # the client header


def test_a_supervisor_reads_but_does_not_start_reports(cast: Cast) -> None:
    course = finished_course(cast.clients["student_client"])
    url = reverse("reports:course_reports", args=[course.pk])

    assert cast.http("supervisor").get(url).status_code == 200
    assert cast.http("supervisor").post(url, {"kind": "progress"}).status_code == 403
    assert not TreatmentReport.objects.exists()


def test_an_unknown_kind_is_refused(cast: Cast) -> None:
    course = finished_course(cast.clients["client"])
    response = cast.http("therapist").post(
        reverse("reports:course_reports", args=[course.pk]), {"kind": "novel"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not TreatmentReport.objects.exists()


def test_the_form_saves_edits_and_signs_with_the_edited_text(cast: Cast) -> None:
    report = drafted(finished_course(cast.clients["client"]))
    url = reverse("reports:treatment_report", args=[report.pk])
    browser = cast.http("therapist")

    saved = browser.post(url, _form_data(report, text_recommendations="Edited advice.", save=""))
    report.refresh_from_db()
    signed = browser.post(url, _form_data(report, sign=""))

    assert saved.status_code == 302 and signed.status_code == 302
    report.refresh_from_db()
    assert report.status == TreatmentReport.Status.FINAL
    assert "Edited advice." in pdf_text(bytes(report.pdf or b""))
    assert "Edited advice." in report.signed_text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text_formulation": "x" * 10_001}, "at most 10000 characters"),
        ({"text_formulation": "a\x00b"}, "Null characters are not allowed"),
        ({"version": "²"}, "This page is out of date"),
        ({"version": "1"}, "changed elsewhere"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    cast: Cast, changes: dict[str, str], message: str
) -> None:
    report = drafted(finished_course(cast.clients["client"]))
    TreatmentReport.objects.filter(pk=report.pk).update(version=2)
    report.refresh_from_db()
    before = report.sections

    response = cast.http("therapist").post(
        reverse("reports:treatment_report", args=[report.pk]),
        _form_data(report, sign="", **changes),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    report.refresh_from_db()
    assert report.status == TreatmentReport.Status.DRAFT and report.sections == before


def test_leaving_every_section_out_is_refused(cast: Cast) -> None:
    report = drafted(finished_course(cast.clients["client"]))
    data = {k: v for k, v in _form_data(report, sign="").items() if not k.startswith("include_")}

    response = cast.http("therapist").post(
        reverse("reports:treatment_report", args=[report.pk]), data
    )

    assert "Keep at least one section" in response.content.decode()
    report.refresh_from_db()
    assert report.status == TreatmentReport.Status.DRAFT


def _page_queries(cast: Cast, report: TreatmentReport) -> int:
    browser = cast.http("therapist")
    url = reverse("reports:treatment_report", args=[report.pk])
    browser.get(url)  # warm the caches (the clinic's instruments, the expected curve)
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_the_report_page_runs_as_many_queries_for_a_long_course_as_a_short_one(
    cast: Cast,
) -> None:
    short = drafted(finished_course(cast.clients["client"]))
    long_course = factories.course_in_middle_phase(cast.clients["client2"], held=12).course
    for n in range(1, 13):
        factories.submit(long_course, "phq9", factories.phq9_answers(20 - n), session_number=n)
        factories.submit(long_course, "gad7", factories.gad7_answers(15 - n), session_number=n)
    long = drafted(long_course)
    long.author = cast.users["therapist2"]

    small, large = _page_queries(cast, short), _page_queries_for(cast, long)

    assert large == small


def _page_queries_for(cast: Cast, report: TreatmentReport) -> int:
    browser = cast.http("therapist2")
    url = reverse("reports:treatment_report", args=[report.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)
