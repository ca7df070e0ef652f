"""The supervision pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from tests.matrix import (
    CLIENTS,
    STAFF,
    TREATING,
    ClientPage,
    Expectation,
    admin_page,
    api_auth,
    logged_in,
    therapist_page,
)

# --- Fidelity ------------------------------------------------------------------------------
# A session's ratings: its author (the treating therapist) and the author's supervisor;
# an administrator only after breaking the glass (not in the matrix), so 404; clients
# never (403 at the staff pages' gate, 404 from the API).


def _fidelity_note_status(role: str, target: str) -> int:
    if role in TREATING[target] or (role == "supervisor" and target == "student_client"):
        return 200
    return 404


def logged_in_fidelity_note(role: str | None, target: str) -> int:
    # The pages are staff pages: a client is turned away at the door (403).
    if role is None:
        return 302
    return 403 if role in CLIENTS else _fidelity_note_status(role, target)


def logged_in_fidelity_person(role: str | None, target: str) -> int:
    # The page of therapist@ (target "client") or of the student (their supervisor's too).
    return logged_in_fidelity_note(role, target)


def api_fidelity_note(role: str | None, target: str) -> int:
    return 401 if role is None else _fidelity_note_status(role, target)


# -------------------------------------------------------------------------------------------

EXPECTED: dict[str, Expectation] = {
    # Review of notes
    # Fidelity
    "supervision:fidelity_note": ClientPage(logged_in_fidelity_note),
    "supervision:fidelity_person": logged_in_fidelity_person,
    "supervision:fidelity_mine": logged_in(therapist_page),
    "supervision:fidelity_scales": logged_in(admin_page),
    "api:fidelity_ratings": api_auth(lambda role: 200 if role in STAFF else 403),
    "api:fidelity_note_ratings": api_fidelity_note,
    # Supervision log
    # Practicum hours
    # Certification
    # Supervisor's home
}

KWARGS: dict[str, Callable[[Cast, str], object]] = {
    # Review of notes
    # Fidelity
    # The therapist of each target: therapist@ (no supervisor) or the practicum student.
    "supervisee_id": lambda cast, target: (
        cast.users["therapist" if target == "client" else "student"].pk
    ),
    # Supervision log
    # Practicum hours
    # Certification
    # Supervisor's home
}
