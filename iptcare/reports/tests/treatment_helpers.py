"""Courses and reports for the treatment-report and letter tests."""

from __future__ import annotations

import io

from pypdf import PdfReader

from iptcare.clients.models import Client
from iptcare.courses.models import Course
from iptcare.courses.selectors import course_get_for
from iptcare.formulation import services as formulation_services
from iptcare.reports import services
from iptcare.reports.models import TreatmentReport
from tests import factories


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, with its whitespace run together."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def finished_course(client: Client, *, scores: bool = True) -> Course:
    """A completed Standard IPT course of six sessions with (when `scores`) PHQ-9 18 → 7
    and GAD-7 12 → 5, a termination record and a formulation."""
    worked = factories.course_in_middle_phase(client, held=6, draft_today=False)
    course = worked.course
    if scores:
        start = factories.days_ago(40)
        factories.submit(course, "phq9", factories.phq9_answers(18), session_number=1, at=start)
        factories.submit(course, "gad7", factories.gad7_answers(12), session_number=1, at=start)
        end = factories.days_ago(8)
        factories.submit(course, "phq9", factories.phq9_answers(7), session_number=6, at=end)
        factories.submit(course, "gad7", factories.gad7_answers(5), session_number=6, at=end)
    formulation_services.termination_save(
        actor=factories.therapist_actor(course.therapist),
        course=course,
        version=None,
        warning_signs="Sleeping badly for a week; pulling away from Sam.",
        recurrence_plan="Call the clinic and book a maintenance session.",
        recommendation="maintenance",
        recommendation_note="Monthly maintenance sessions for six months.",
    )
    return factories.end_course(course)


def seen(course: Course) -> Course:
    """The course as the choke point hands it to a view (clinic and client loaded)."""
    return course_get_for(actor=factories.therapist_actor(course.therapist), pk=course.pk)


def drafted(course: Course, kind: str = "end_of_treatment") -> TreatmentReport:
    return services.report_start(
        actor=factories.therapist_actor(course.therapist), course=seen(course), kind=kind
    )


def signed(report: TreatmentReport, **changes: object) -> TreatmentReport:
    """Sign the draft as it is (with `changes`: {section key: {"include", "text"}})."""
    sections = {**report.sections, **changes}
    return services.report_sign(
        actor=factories.therapist_actor(report.author),
        report=report,
        version=report.version,
        sections=sections,
    )
