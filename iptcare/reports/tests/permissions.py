"""The reports pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from tests.matrix import ADMINS, Expectation, logged_in  # noqa: F401

EXPECTED: dict[str, Expectation] = {
    # Treatment reports
    # Consent and letters
    # FHIR export
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
    # Consent and letters
    # FHIR export
    # Clinic outcomes
}
