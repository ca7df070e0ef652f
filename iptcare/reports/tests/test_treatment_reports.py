"""End-of-treatment and progress reports: drafted from the records, signed into a stored
PDF, co-signed for a student, shared in the client's Documents, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.formulation.models import TerminationRecord
from iptcare.reports import services
from iptcare.reports.models import TreatmentReport
from iptcare.reports.services import ReportConflict, ReportError
from iptcare.reports.tests.treatment_helpers import drafted, finished_course, pdf_text, signed
from tests import factories

pytestmark = pytest.mark.django_db


def test_signing_stores_a_pdf_with_the_name_the_scores_and_the_outcome(cast: Cast) -> None:
    report = signed(drafted(finished_course(cast.clients["client"])))

    assert report.status == TreatmentReport.Status.FINAL
    assert report.pdf and bytes(report.pdf).startswith(b"%PDF")
    text = pdf_text(bytes(report.pdf))
    assert "Cleo Client" in text
    assert "PHQ-9 fell 18 → 7" in text
    assert "GAD-7 fell 12 → 5" in text
    assert "Reliable improvement" in text
    assert "Your scores have come down a lot since you started." in text
    assert "Sleeping badly for a week" in text
    assert "Monthly maintenance sessions" in text
    assert "Sessions attended: 6 of 16" in text
    assert "Signed by" in text


def test_the_stored_pdf_is_served_unchanged_after_the_records_change(cast: Cast) -> None:
    course = finished_course(cast.clients["client"])
    report = signed(drafted(course))
    stored = bytes(report.pdf or b"")
    TerminationRecord.objects.filter(course=course).update(warning_signs="Changed later.")
    cast.clients["client"].__class__.objects.filter(pk=course.client_id).update(
        legal_name="Renamed Later"
    )

    response = cast.http("therapist").get(reverse("reports:treatment_pdf", args=[report.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == stored
    assert response["X-Content-SHA256"] == report.sha256
    page = cast.http("therapist").get(reverse("reports:treatment_report", args=[report.pk]))
    assert "Sleeping badly for a week" in page.content.decode()
    assert "Changed later." not in page.content.decode()


def test_a_course_without_scores_says_what_is_missing(cast: Cast) -> None:
    report = signed(drafted(finished_course(cast.clients["client"], scores=False)))

    text = pdf_text(bytes(report.pdf or b""))
    assert "No PHQ-9 or GAD-7 scores were recorded in this course" in text
    assert "Cleo Client" in text


def test_sections_left_out_are_not_in_the_pdf(cast: Cast) -> None:
    report = drafted(finished_course(cast.clients["client"]))
    report = signed(
        report,
        relapse={"include": False, "text": "Whom to call: nobody"},
        recommendations={"include": True, "text": "See the GP in a month."},
    )

    text = pdf_text(bytes(report.pdf or b""))
    assert "Relapse-prevention plan" not in text
    assert "Sleeping badly" not in text
    assert "See the GP in a month." in text


def test_a_progress_report_uses_the_same_machinery(cast: Cast) -> None:
    course = factories.course_in_middle_phase(cast.clients["client"]).course
    report = signed(drafted(course, "progress"))

    text = pdf_text(bytes(report.pdf or b""))
    assert "Progress report" in text
    assert "Cleo Client" in text


def test_a_stale_save_is_refused_and_changes_nothing(cast: Cast) -> None:
    report = drafted(finished_course(cast.clients["client"]))
    actor = factories.therapist_actor(cast.users["therapist"])
    services.report_save(
        actor=actor,
        report=report,
        version=report.version,
        sections={**report.sections, "formulation": {"include": True, "text": "First tab."}},
    )

    with pytest.raises(ReportConflict):
        services.report_save(
            actor=actor,
            report=report,
            version=report.version,
            sections={**report.sections, "formulation": {"include": True, "text": "Stale tab."}},
        )
    report.refresh_from_db()
    assert report.sections["formulation"]["text"] == "First tab."


def test_a_signed_report_cannot_be_edited_or_signed_again(cast: Cast) -> None:
    report = signed(drafted(finished_course(cast.clients["client"])))

    with pytest.raises(ReportError, match="signed"):
        signed(report)
    form = cast.http("therapist").post(
        reverse("reports:treatment_report", args=[report.pk]), {"version": report.version}
    )
    assert form.status_code == 403


def test_a_practicum_students_report_waits_for_the_supervisors_cosignature(cast: Cast) -> None:
    report = signed(drafted(finished_course(cast.clients["student_client"])))

    assert report.status == TreatmentReport.Status.AWAITING_COSIGNATURE
    assert report.pdf is None
    pdf_url = reverse("reports:treatment_pdf", args=[report.pk])
    assert cast.http("student").get(pdf_url).status_code == 404
    with pytest.raises(ReportError, match="supervisor"):
        services.report_cosign(
            actor=factories.therapist_actor(cast.users["therapist2"]),
            report=report,
            version=report.version,
        )

    course_page = cast.http("supervisor").get(reverse("courses:detail", args=[report.course_id]))
    assert (
        reverse("reports:course_reports", args=[report.course_id]) in course_page.content.decode()
    )
    page = cast.http("supervisor").get(reverse("reports:treatment_report", args=[report.pk]))
    assert "Co-sign the report" in page.content.decode()
    response = cast.http("supervisor").post(
        reverse("reports:treatment_cosign", args=[report.pk]), {"version": report.version}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == TreatmentReport.Status.FINAL
    text = pdf_text(bytes(report.pdf or b""))
    assert "Co-signed by Dr. Sue Supervisor" in text
    assert cast.http("student").get(pdf_url).status_code == 200


def test_the_student_cannot_cosign_their_own_report(cast: Cast) -> None:
    report = signed(drafted(finished_course(cast.clients["student_client"])))

    response = cast.http("student").post(
        reverse("reports:treatment_cosign", args=[report.pk]), {"version": report.version}
    )

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == TreatmentReport.Status.AWAITING_COSIGNATURE


def test_the_client_finds_the_final_report_in_documents_and_downloads_it(cast: Cast) -> None:
    report = signed(drafted(finished_course(cast.clients["client"])))
    browser = cast.http("client")

    page = browser.get(reverse("portal:documents"))
    download = browser.get(reverse("reports:treatment_pdf", args=[report.pk]))

    assert reverse("reports:treatment_pdf", args=[report.pk]) in page.content.decode()
    assert "End-of-treatment report" in page.content.decode()
    assert download.status_code == 200
    assert download.content == bytes(report.pdf or b"")
    exported = AccessEntry.objects.filter(
        action="export", object_type="reports.treatmentreport", object_id=str(report.pk)
    )
    assert exported.filter(user=cast.users["client"], acting_role="client").count() == 1


def test_another_client_gets_404_and_does_not_see_it(cast: Cast) -> None:
    report = signed(drafted(finished_course(cast.clients["client"])))
    browser = cast.http("client2")

    assert browser.get(reverse("reports:treatment_pdf", args=[report.pk])).status_code == 404
    page = browser.get(reverse("portal:documents")).content.decode()
    assert reverse("reports:treatment_pdf", args=[report.pk]) not in page


def test_a_draft_is_not_in_the_clients_documents(cast: Cast) -> None:
    report = drafted(finished_course(cast.clients["client"]))
    browser = cast.http("client")

    assert browser.get(reverse("reports:treatment_pdf", args=[report.pk])).status_code == 404
    page = browser.get(reverse("portal:documents")).content.decode()
    assert reverse("reports:treatment_pdf", args=[report.pk]) not in page


def test_producing_viewing_and_downloading_are_audited(cast: Cast) -> None:
    report = signed(drafted(finished_course(cast.clients["client"])))
    therapist = cast.http("therapist")
    therapist.get(reverse("reports:treatment_report", args=[report.pk]))
    therapist.get(reverse("reports:treatment_pdf", args=[report.pk]))

    entries = AccessEntry.objects.filter(
        object_type="reports.treatmentreport", object_id=str(report.pk)
    )
    actions = sorted(entries.values_list("action", flat=True))
    assert actions == ["create", "export", "read", "sign"]
    assert {e.client_id for e in entries} == {report.client_id}
