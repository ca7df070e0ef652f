"""The supervision pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from conftest import Cast
from iptcare.supervision.models import AgreedAction, SupervisionMeeting
from tests.matrix import (
    CARE_TEAM,
    PERSON,
    STAFF,
    THERAPISTS,
    ClientPage,
    Expectation,
    admin_page,
    api_auth,
    api_person,
    logged_in,
    person_page,
    record_page,
    staff_page,
    therapist_page,
)

# --- Supervision log -----------------------------------------------------------------------


def _meeting_edit(role: str) -> int:
    """The supervisor who logged it edits; the student present may see it, not edit it."""
    return {"supervisor": 200, "student": 403, "client": 403, "client2": 403}.get(role, 404)


def _meeting(cast: Cast) -> SupervisionMeeting:
    """The supervisor's meeting with the student (made on first use in each test)."""
    found = SupervisionMeeting.objects.filter(supervisor=cast.users["supervisor"]).first()
    if found is not None:
        return found
    meeting = SupervisionMeeting.objects.create(
        clinic=cast.clinic,
        supervisor=cast.users["supervisor"],
        created_by=cast.users["supervisor"],
        date=date(2026, 1, 5),
        minutes=60,
        notes="Matrix meeting.",
    )
    meeting.supervisees.set([cast.users["student"]])
    AgreedAction.objects.create(meeting=meeting, text="Matrix action.")
    return meeting


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
    # A session's ratings: its author and the author's supervisors (an administrator only
    # after breaking the glass, which the matrix does not do).
    "supervision:fidelity_note": ClientPage(person_page()),
    "supervision:fidelity_person": person_page(),
    "supervision:fidelity_mine": logged_in(therapist_page),
    "supervision:fidelity_scales": logged_in(admin_page),
    "api:fidelity_ratings": api_auth(lambda role: 200 if role in STAFF else 403),
    "api:fidelity_note_ratings": api_person(),
    # Supervision log
    "supervision:log": logged_in(staff_page),
    "supervision:log_new": logged_in(lambda role: 200 if role == "supervisor" else 403),
    "supervision:log_edit": logged_in(_meeting_edit),
    "supervision:log_action_done": logged_in(lambda role: 405),
    "api:supervision_log": api_auth(
        lambda role: 200 if role in {"therapist", "therapist2", "student", "supervisor"} else 403
    ),
    # Practicum hours
    "supervision:hours": logged_in(
        lambda role: 302 if role in THERAPISTS else 200 if role in STAFF else 403
    ),
    "supervision:hours_of": person_page(admin=200),
    "supervision:hours_adjust": person_page(admin=403),
    "supervision:hours_csv": person_page(admin=403),
    "supervision:hours_pdf": person_page(admin=403),
    "supervision:hours_sign_off": logged_in(lambda role: 405),
    "api:supervision_hours": api_auth(
        lambda role: 200 if role in THERAPISTS else 404 if role in STAFF else 403
    ),
    # Certification
    "supervision:certification": person_page(),
    "api:supervision_certification": api_person(),
    # Supervisor's home
    "supervision:overview": logged_in(staff_page),
}

KWARGS: dict[str, Callable[[Cast, str], object]] = {
    # Review of notes
    # Fidelity
    # Supervision log
    "meeting_id": lambda cast, target: _meeting(cast).pk,
    "action_id": lambda cast, target: _meeting(cast).actions.get().pk,
    # Practicum hours, fidelity, certification: the therapist of each target, therapist@
    # (no supervisor) or the practicum student.
    "supervisee_id": lambda cast, target: cast.users[PERSON[target]].pk,
    # Supervisor's home
}
