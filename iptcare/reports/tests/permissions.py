"""The reports pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from tests.matrix import Expectation  # noqa: F401

EXPECTED: dict[str, Expectation] = {
    # Treatment reports
    # Consent and letters
    # FHIR export
    # Clinic outcomes
}

KWARGS: dict[str, Callable[[Cast, str], object]] = {
    # Treatment reports
    # Consent and letters
    # FHIR export
    # Clinic outcomes
}
