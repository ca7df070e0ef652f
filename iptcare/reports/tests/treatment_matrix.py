"""The treatment reports' and letters' URLs in the permission matrix, and the records
their URLs name (built on first use, inside the matrix test's transaction)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from conftest import Cast
from iptcare.courses.tests.permissions import target_course
from iptcare.reports.models import PhysicianLetter, SharingConsent, TreatmentReport
from tests.matrix import CARE_TEAM, OWNER, Expectation, logged_in, record_page


def final_report(cast: Cast, target: str) -> TreatmentReport:
    """A final report of the target's course, stored as signed (the PDF's bytes stand in:
    the walk checks who gets them, not what they say)."""
    course = target_course(cast, target)
    found = TreatmentReport.objects.filter(course=course).first()
    return found or TreatmentReport.objects.create(
        clinic_id=course.clinic_id,
        course=course,
        client=course.client,
        author=course.therapist,
        kind=TreatmentReport.Kind.END_OF_TREATMENT,
        status=TreatmentReport.Status.FINAL,
        sections={"course": {"include": True, "text": "Matrix."}},
        signed_html="<p>Matrix.</p>",
        pdf=b"%PDF-1.7 matrix",
    )


def consent(cast: Cast, target: str) -> SharingConsent:
    client = cast.clients[target]
    found = SharingConsent.objects.filter(client=client).first()
    return found or SharingConsent.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        recipient_name="Dr. Matrix",
        recipient_address="Fax 416-555-0199",
        scope="A letter.",
        given_on=date(2026, 1, 1),
        recorded_by=target_course(cast, target).therapist,
    )


def letter(cast: Cast, target: str) -> PhysicianLetter:
    course = target_course(cast, target)
    found = PhysicianLetter.objects.filter(course=course).first()
    return found or PhysicianLetter.objects.create(
        clinic_id=course.clinic_id,
        course=course,
        client=course.client,
        author=course.therapist,
        consent=consent(cast, target),
        letter_date=date(2026, 1, 2),
        signed_html="<p>Matrix.</p>",
        pdf=b"%PDF-1.7 matrix",
    )


def own_final_report(role: str | None, target: str) -> int:
    """The care team and the client (their own) download a final report; nobody else."""
    if role is None:
        return 302
    if role in CARE_TEAM[target] or role == OWNER[target]:
        return 200
    return 404


EXPECTED_REPORTS: dict[str, Expectation] = {
    "reports:course_reports": record_page(on_team=200),
    "reports:treatment_report": record_page(on_team=200),
    "reports:treatment_cosign": logged_in(lambda role: 405),
    "reports:treatment_pdf": own_final_report,
}
EXPECTED_LETTERS: dict[str, Expectation] = {
    "reports:consents": record_page(on_team=200),
    "reports:consent_withdraw": logged_in(lambda role: 405),
    "reports:letter_new": record_page(on_team=403, treating=200),
    "reports:letter_pdf": record_page(on_team=200),
}
KWARGS_REPORTS: dict[str, Callable[[Cast, str], object]] = {
    "report_id": lambda cast, target: final_report(cast, target).pk,
}
KWARGS_LETTERS: dict[str, Callable[[Cast, str], object]] = {
    "consent_id": lambda cast, target: consent(cast, target).pk,
    "letter_id": lambda cast, target: letter(cast, target).pk,
}
