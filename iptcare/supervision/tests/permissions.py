"""The supervision pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from tests.matrix import Expectation  # noqa: F401

EXPECTED: dict[str, Expectation] = {
    # Review of notes
    # Fidelity
    # Supervision log
    # Practicum hours
    # Certification
    # Supervisor's home
}

KWARGS: dict[str, Callable[[Cast, str], object]] = {
    # Review of notes
    # Fidelity
    # Supervision log
    # Practicum hours
    # Certification
    # Supervisor's home
}
