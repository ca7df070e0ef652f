"""The supervision pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from tests.matrix import CARE_TEAM, ClientPage, Expectation, record_page

# --- Review of notes -----------------------------------------------------------------------


def _note_review(role: str | None, target: str) -> int:
    """The matrix's note of "student_client" waits for co-signature: its author's
    supervisor reviews it, nobody else (404). The therapist's own signed note waits for
    nobody: the care team is sent back to the note (302). Outside the care team, 404."""
    if role is None:
        return 302
    if target == "student_client":
        return 200 if role == "supervisor" else 404
    return 302 if role in CARE_TEAM[target] else 404


# -------------------------------------------------------------------------------------------

EXPECTED: dict[str, Expectation] = {
    # Review of notes
    "supervision:note_review": ClientPage(_note_review),
    "supervision:note_versions": record_page(on_team=200),
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
