"""The demo's reports: Priya Natarajan's signed end-of-treatment report for Ethan Brown's
completed course, Ethan's consent to write to his family doctor, and the letter; and the
intake requests that brought the clients of the finished courses, so that the clinic
outcomes page shows its waiting times too. Loading it twice changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from iptcare.audit.services import Actor
from iptcare.clinic.selectors import clinic_today
from iptcare.courses.models import Course
from iptcare.intake.models import IntakeRequest
from iptcare.reports import services
from iptcare.reports.models import TreatmentReport

THERAPIST = "therapist@demo.iptcare.test"
CLIENT = "Ethan Brown"
RECOMMENDATIONS = (
    "Ethan ends IPT well: keep up the Sunday league and the fishing trips with his "
    "brother's friend. If the warning signs return for more than two weeks, or around the "
    "anniversary next spring, book a maintenance session with the clinic."
)


# Weeks from each finished course's intake request to its first session: within 6, within
# 18, and longer.
WAITED_WEEKS = {"Ethan Brown": 3, "Amira Haddad": 10, "Lucas Martin": 25}


def _intake_requests(demo) -> None:
    """The requests the finished courses' clients sent through the public form, converted
    to their records (the intake demo's own requests are recent and open)."""
    for course in Course.objects.filter(
        clinic=demo.clinic, client__legal_name__in=list(WAITED_WEEKS)
    ).select_related("client"):
        client = course.client
        if IntakeRequest.objects.filter(client=client).exists():
            continue
        sent = datetime.combine(
            course.start_date - timedelta(weeks=WAITED_WEEKS[client.legal_name]),
            time(10, 0),
            tzinfo=ZoneInfo(demo.clinic.time_zone),
        )
        IntakeRequest.objects.create(
            clinic=demo.clinic,
            status=IntakeRequest.Status.CONVERTED,
            full_name=client.legal_name,
            preferred_name=client.preferred_name,
            email=f"{client.legal_name.lower().replace(' ', '.')}@example.test",
            preferred_contact=IntakeRequest.ContactMethod.EMAIL,
            age_group=IntakeRequest.AgeGroup.ADULT,
            concerns=client.presenting_concerns or "Low mood.",
            therapist_preference=IntakeRequest.TherapistPreference.EITHER,
            consent_to_contact=True,
            client=client,
            created_at=sent,
        )


def load_demo(demo) -> None:
    _intake_requests(demo)
    therapist = demo.users[THERAPIST]
    course = (
        Course.objects.filter(
            clinic=demo.clinic, client__legal_name=CLIENT, status=Course.Status.COMPLETED
        )
        .select_related("client", "clinic")
        .first()
    )
    if course is None or TreatmentReport.objects.filter(course=course).exists():
        return
    actor = Actor(user=therapist, role="therapist", request_id="demo-loader")
    report = services.report_start(actor=actor, course=course, kind="end_of_treatment")
    sections = {key: dict(section) for key, section in report.sections.items()}
    sections["recommendations"]["text"] = RECOMMENDATIONS
    services.report_sign(actor=actor, report=report, version=report.version, sections=sections)

    today = clinic_today(demo.clinic)
    consent = services.consent_record(
        actor=actor,
        client=course.client,
        recipient_name="Dr. Nadia Rahman, family physician (synthetic)",
        recipient_address="Harbord Family Health, 120 Harbord Street, Toronto ON; fax 416-555-0177",
        scope="Dates of treatment, the focus of the work, first and last scores, the outcome "
        "and recommendations.",
        given_on=course.ended_on or today - timedelta(weeks=10),
        expires_on=today + timedelta(days=365),
    )
    services.letter_sign(
        actor=actor, course=course, consent_id=consent.pk, recommendations=RECOMMENDATIONS
    )
    demo.report.created.append("reports: an end-of-treatment report, a consent, a letter")
