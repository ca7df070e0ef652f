"""The supervision pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from tests.matrix import PERSON, Expectation, api_person, person_page

EXPECTED: dict[str, Expectation] = {
    # Review of notes
    # Fidelity
    # Supervision log
    # Practicum hours
    # Certification
    "supervision:certification": person_page(),
    "api:supervision_certification": api_person(),
    # Supervisor's home
}

KWARGS: dict[str, Callable[[Cast, str], object]] = {
    # Review of notes
    # Fidelity
    # Supervision log
    # Practicum hours
    # Certification
    "therapist_id": lambda cast, target: cast.users[PERSON[target]].pk,
    # Supervisor's home
}
