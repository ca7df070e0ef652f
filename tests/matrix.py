"""Building blocks for the permission matrix (tests/test_permission_matrix.py).

Each app may add `iptcare/<app>/tests/permissions.py` with:
- EXPECTED: {url name: fn(role, target) -> expected status of a GET}
- KWARGS: {URL keyword: fn(cast, target) -> value} for the keywords its URLs use.
`role` is None (anonymous) or one of ROLES; `target` names the record the object URLs
point at: "client" (the cast's therapist's client, and the client login's own record) or
"student_client" (the practicum student's client, so their supervisor sees it). The
records those URLs name are built by the `records` fixture of the matrix test.
A page about one client (`record_page`, or any expectation wrapped in `ClientPage`) must
also name that client in its header whenever staff get it (see `ClientPage`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Expectation = Callable[[str | None, str], int]

ROLES = [
    None,
    "client",
    "client2",
    "therapist",
    "therapist2",
    "student",
    "supervisor",
    "admin",
    "other_admin",
]
STAFF = {"therapist", "therapist2", "student", "supervisor", "admin", "other_admin"}
CLIENTS = {"client", "client2"}
ADMINS = {"admin", "other_admin"}
THERAPISTS = {"therapist", "therapist2", "student"}
# Who is on the care team of each target record, and who treats them.
CARE_TEAM = {"client": {"therapist"}, "student_client": {"student", "supervisor"}}
TREATING = {"client": {"therapist"}, "student_client": {"student"}}
OWNER = {"client": "client", "student_client": None}


def anyone(status: int) -> Expectation:
    return lambda role, target: status


def logged_in(status_for: Callable[[str], int]) -> Expectation:
    """Anonymous people are sent to log in; others get status_for(role)."""
    return lambda role, target: 302 if role is None else status_for(role)


def staff_page(role: str) -> int:
    return 200 if role in STAFF else 403


def admin_page(role: str) -> int:
    return 200 if role in ADMINS else 403


def client_page(role: str) -> int:
    return 200 if role in CLIENTS else 403


def therapist_page(role: str) -> int:
    return 200 if role in THERAPISTS else 403


@dataclass(frozen=True)
class ClientPage:
    """The expectation of a page about one client. Besides its status, the matrix walk
    checks that when staff get the page its header names the client (preferred name and
    chart number), so nobody acts on the wrong chart; `names_client=False` only for a page
    handed to the client to fill in, which shows no names."""

    status: Expectation
    names_client: bool = True

    def __call__(self, role: str | None, target: str) -> int:
        return self.status(role, target)


def record_page(
    on_team: int, admin: int = 404, *, treating: int | None = None, handed_to_client: bool = False
) -> ClientPage:
    """A page about one client's record: the care team gets `on_team` (the treating
    therapist `treating` when given), the same clinic's administrator `admin`, and
    everybody else 404; anonymous people are sent to log in. `handed_to_client`: the
    device is handed to the client, so the page names nobody."""

    def status(role: str | None, target: str) -> int:
        if role is None:
            return 302
        if treating is not None and role in TREATING[target]:
            return treating
        if role in CARE_TEAM[target]:
            return on_team
        if role == "admin":
            return admin
        return 404

    return ClientPage(status, names_client=not handed_to_client)


def api_auth(status_for: Callable[[str], int]) -> Expectation:
    return lambda role, target: 401 if role is None else status_for(role)


def api_record(on_team: int = 200, admin: int = 200) -> Expectation:
    def status(role: str | None, target: str) -> int:
        if role is None:
            return 401
        if role in CARE_TEAM[target]:
            return on_team
        if role == "admin":
            return admin
        return 404

    return status


# A page about one therapist's own supervision records (their ratings, hours, progress):
# for each target record, the therapist who looks after it, and that therapist's
# supervisors. Clients are kept out by the staff gate.
PERSON = {"client": "therapist", "student_client": "student"}
SUPERVISORS: dict[str, set[str]] = {"client": set(), "student_client": {"supervisor"}}


def _person_status(
    role: str, target: str, *, own: int, supervisor: int, admin: int, other: int
) -> int:
    if role == PERSON[target]:
        return own
    if role in SUPERVISORS[target]:
        return supervisor
    if role == "admin":
        return admin
    return other


def person_page(own: int = 200, supervisor: int = 200, admin: int = 404) -> Expectation:
    """The therapist `own`, their supervisors `supervisor`, the same clinic's administrator
    `admin`, other staff 404, clients 403 (the staff gate); anonymous people are sent to
    log in."""

    def status(role: str | None, target: str) -> int:
        if role is None:
            return 302
        other = 403 if role in CLIENTS else 404
        return _person_status(
            role, target, own=own, supervisor=supervisor, admin=admin, other=other
        )

    return status


def api_person(own: int = 200, supervisor: int = 200, admin: int = 404) -> Expectation:
    """An API route about one therapist's supervision records (as `person_page`); anyone
    else signed in gets 404, clients too."""

    def status(role: str | None, target: str) -> int:
        if role is None:
            return 401
        return _person_status(role, target, own=own, supervisor=supervisor, admin=admin, other=404)

    return status
