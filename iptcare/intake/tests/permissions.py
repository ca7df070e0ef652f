"""The intake app's URLs in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from iptcare.intake.models import IntakeRequest
from tests.matrix import (
    ADMINS,
    Expectation,
    admin_page,
    anyone,
    client_page,
    logged_in,
    record_page,
)


def intake_request_page(role: str | None, target: str) -> int:
    """A request to the cast's clinic: its administrator only; another clinic's gets 404."""
    if role is None:
        return 302
    if role == "admin":
        return 200
    return 404 if role in ADMINS else 403


EXPECTED: dict[str, Expectation] = {
    "intake:root": anyone(200),
    "intake:about": anyone(200),
    "intake:therapists": anyone(200),
    "intake:fees": anyone(200),
    "intake:contact": anyone(200),
    "intake:request": anyone(200),
    "intake:request_thanks": anyone(200),
    "intake:theme_css": anyone(200),
    "intake:logo": anyone(200),
    "intake:queue": logged_in(admin_page),
    "intake:site_edit": logged_in(admin_page),
    "intake:request_detail": intake_request_page,
    "intake:request_convert": intake_request_page,
    "intake:request_status": logged_in(lambda role: 405),
    "intake:request_note": logged_in(lambda role: 405),
    "intake:my_reflection": logged_in(client_page),
    "intake:reflection": record_page(on_team=200, admin=302),
}


def _open_request(cast: Cast, target: str) -> int:
    # A request still waiting in the queue, so its convert page can be opened.
    request = (
        IntakeRequest.objects.filter(clinic=cast.clinic, status="new", client=None)
        .order_by("pk")
        .first()
    )
    assert request is not None, "the matrix builds a new intake request"
    return request.pk


KWARGS: dict[str, Callable[[Cast, str], object]] = {"request_id": _open_request}
