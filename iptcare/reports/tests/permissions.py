"""The reports pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from iptcare.reports.tests import treatment_matrix
from tests.matrix import ADMINS, Expectation, api_record, logged_in


def _admin_of_the_clinic(role: str) -> int:
    # Another clinic's administrator meets a job that is not theirs: 404, as a made-up id.
    return {"admin": 200, "other_admin": 404}.get(role, 403)


def _fhir_export(cast: Cast, target: str) -> int:
    from iptcare.reports.models import FhirExport

    job, _ = FhirExport.objects.get_or_create(
        clinic=cast.clinic,
        requested_by=cast.users["admin"],
        defaults={"status": FhirExport.Status.DONE, "content": "{}", "size": 2},
    )
    return job.pk


EXPECTED: dict[str, Expectation] = {
    # Treatment reports
    **treatment_matrix.EXPECTED_REPORTS,
    # Consent and letters
    **treatment_matrix.EXPECTED_LETTERS,
    # FHIR export
    "reports:fhir_exports": logged_in(lambda role: 200 if role in ADMINS else 403),
    "reports:fhir_export_progress": logged_in(_admin_of_the_clinic),
    "reports:fhir_export_download": logged_in(_admin_of_the_clinic),
    # Outside the care team (an administrator who has not broken the glass too): 404.
    "api:fhir_patient_everything": api_record(on_team=200, admin=404),
    # Clinic outcomes
    **{
        name: logged_in(lambda role: 200 if role in ADMINS or role == "supervisor" else 403)
        for name in (
            "reports:clinic_outcomes",
            "reports:clinic_outcomes_csv",
            "reports:outcome_courses",
        )
    },
}

KWARGS: dict[str, Callable[[Cast, str], object]] = {
    # Treatment reports
    **treatment_matrix.KWARGS_REPORTS,
    # Consent and letters
    **treatment_matrix.KWARGS_LETTERS,
    # FHIR export
    "export_id": _fhir_export,
    # Clinic outcomes
}
