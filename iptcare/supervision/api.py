"""Read-only supervision routes of the signed-in person's scope."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from iptcare.supervision import selectors

router = Router(tags=["supervision"])


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


class CheckOut(Schema):
    requirement: str
    label: str
    done: bool
    missing: str


class CaseOut(Schema):
    course_id: int
    label: str
    counts: bool
    checks: list[CheckOut]


class CertificationOut(Schema):
    therapist_id: int
    standard: str
    standard_name: str
    cases_required: int
    cases_counted: int
    consultation_hours_required: int
    consultation_hours: float
    complete: bool
    missing: list[str]
    cases: list[CaseOut]


@router.get(
    "/therapists/{int:therapist_id}/certification",
    response=CertificationOut,
    url_name="supervision_certification",
)
def certification_get(request: HttpRequest, therapist_id: int) -> CertificationOut:
    """A therapist's certification progress (their own, or a supervisee's)."""
    person = selectors.therapist_get_for(
        request.user,  # type: ignore[arg-type]  # django_auth lets only signed-in users in
        therapist_id,
        "supervision.view_certification",
    )
    progress = selectors.certification_progress(person)
    return CertificationOut(
        therapist_id=person.pk,
        standard=progress.standard.code,
        standard_name=progress.standard.name,
        cases_required=progress.standard.cases,
        cases_counted=len(progress.counted),
        consultation_hours_required=progress.standard.consultation_hours,
        consultation_hours=progress.consultation_hours,
        complete=progress.complete,
        missing=progress.missing,
        cases=[
            CaseOut(
                course_id=case.evidence.course_id,
                label=case.evidence.label,
                counts=case.counts,
                checks=[
                    CheckOut(
                        requirement=c.requirement, label=c.label, done=c.done, missing=c.missing
                    )
                    for c in case.checks
                ],
            )
            for case in progress.cases
        ],
    )


# --- Supervisor's home ---------------------------------------------------------------------
