"""The reports pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from iptcare.reports.tests import treatment_matrix
from tests.matrix import Expectation  # noqa: F401

EXPECTED: dict[str, Expectation] = {
    # Treatment reports
    **treatment_matrix.EXPECTED_REPORTS,
    # Consent and letters
    **treatment_matrix.EXPECTED_LETTERS,
    # FHIR export
    # Clinic outcomes
}

KWARGS: dict[str, Callable[[Cast, str], object]] = {
    # Treatment reports
    **treatment_matrix.KWARGS_REPORTS,
    # Consent and letters
    **treatment_matrix.KWARGS_LETTERS,
    # FHIR export
    # Clinic outcomes
}
