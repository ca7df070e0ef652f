"""Reads for reports, exports and clinic outcomes, each with a bounded number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from iptcare.reports import fhir

if TYPE_CHECKING:
    from iptcare.accounts.models import User
    from iptcare.clinic.models import Clinic
    from iptcare.reports.models import FhirExport


# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


def fhir_exports_of_clinic(clinic_id: int, limit: int = 20) -> list[FhirExport]:
    """The clinic's latest exports, without their content (it may be large)."""
    from iptcare.reports.models import FhirExport

    return list(
        FhirExport.objects.filter(clinic_id=clinic_id)
        .select_related("requested_by")
        .defer("content")[:limit]
    )


def fhir_export_of_clinic(clinic_id: int, pk: int) -> FhirExport | None:
    from iptcare.reports.models import FhirExport

    return (
        FhirExport.objects.filter(clinic_id=clinic_id, pk=pk)
        .select_related("clinic", "requested_by")
        .defer("content")
        .first()
    )


def fhir_records_for(*, clinic: Clinic, client_ids: Sequence[int]) -> fhir.ExportRecords:
    """Everything the FHIR export of these clients holds, in a fixed number of queries
    (nine, whatever the number of clients, courses, sessions or answers)."""
    from iptcare.clients.models import Client
    from iptcare.courses.models import Course, SessionNote
    from iptcare.formulation.models import FocusAreaChoice, Formulation
    from iptcare.measures.models import QuestionnaireResponse, RiskFlag

    ids = list(client_ids)
    clients = list(
        Client.objects.filter(clinic=clinic, pk__in=ids)
        .prefetch_related("therapists__therapist_profile")
        .order_by("pk")
    )
    found = [c.pk for c in clients]
    courses = list(
        Course.objects.filter(clinic=clinic, client_id__in=found)
        .select_related("therapist__therapist_profile")
        .order_by("client_id", "start_date", "pk")
    )
    notes = list(
        SessionNote.objects.filter(
            clinic=clinic,
            course__client_id__in=found,
            attendance=SessionNote.Attendance.ATTENDED,
        )
        .select_related("course")
        .order_by("course_id", "number", "pk")
    )
    responses = list(
        QuestionnaireResponse.objects.filter(
            clinic=clinic, client_id__in=found, duplicate_of__isnull=True
        )
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )
    course_ids = [c.pk for c in courses]
    areas = list(
        FocusAreaChoice.objects.filter(clinic=clinic, course_id__in=course_ids).order_by("pk")
    )
    formulations = list(Formulation.objects.filter(clinic=clinic, course_id__in=course_ids))
    flags = list(
        RiskFlag.objects.filter(clinic=clinic, client_id__in=found).order_by("raised_at", "pk")
    )

    by_client = {c.pk: fhir.ClientRecords(client=c) for c in clients}
    client_of_course = {c.pk: c.client_id for c in courses}
    therapists: dict[int, User] = {}
    for client in clients:
        for user in client.therapists.all():
            therapists.setdefault(user.pk, user)
    for course in courses:
        by_client[course.client_id].courses.append(course)
        therapists.setdefault(course.therapist_id, course.therapist)
    for note in notes:
        by_client[note.course.client_id].attended_notes.append(note)
    for response in responses:
        by_client[response.client_id].responses.append(response)
    for area in areas:
        by_client[client_of_course[area.course_id]].focus_areas.append(area)
    for formulation in formulations:
        by_client[client_of_course[formulation.course_id]].formulations.append(formulation)
    for flag in flags:
        by_client[flag.client_id].flags.append(flag)
    return fhir.ExportRecords(
        clinic=clinic,
        therapists=sorted(therapists.values(), key=lambda u: u.pk),
        clients=list(by_client.values()),
    )


# --- Clinic outcomes -----------------------------------------------------------------------
