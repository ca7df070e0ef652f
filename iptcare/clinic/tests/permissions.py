"""The clinic app's own URLs in the permission matrix (see tests/matrix.py); its first
pages (staff, invite, settings) are listed with the foundation's in
tests/test_permission_matrix.py."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from iptcare.clinic.models import SupervisionLink
from tests.matrix import Expectation, anyone


def staff_member_page(role: str | None, target: str) -> int:
    """A staff member's page (the URL names therapist@): their clinic's administrator
    only; another clinic's administrator gets 404, as for a person who does not exist."""
    if role is None:
        return 302
    if role == "admin":
        return 200
    return 404 if role == "other_admin" else 403


EXPECTED: dict[str, Expectation] = {
    "clinic:staff_detail": staff_member_page,
    # Changes are POSTs only (require_POST answers a GET before anything else).
    "clinic:supervision_link_add": anyone(405),
    "clinic:supervision_link_end": anyone(405),
}


def _student_link(cast: Cast, target: str) -> int:
    return SupervisionLink.objects.filter(supervisee=cast.users["student"]).values_list(
        "pk", flat=True
    )[0]


KWARGS: dict[str, Callable[[Cast, str], object]] = {"link_id": _student_link}
