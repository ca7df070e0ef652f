"""The course pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from iptcare.courses.models import Course
from tests.matrix import (
    Expectation,
    admin_page,
    api_record,
    logged_in,
    record_page,
    therapist_page,
)

EXPECTED: dict[str, Expectation] = {
    "courses:new": logged_in(therapist_page),
    "courses:settings": logged_in(admin_page),
    # An administrator is sent to break the glass first, as for the clinical record.
    "courses:client_courses": record_page(on_team=200, admin=302),
    "courses:detail": record_page(on_team=200),
    "courses:extend": record_page(on_team=403, treating=200),
    "courses:end": record_page(on_team=403, treating=200),
    "courses:note_new": record_page(on_team=403, treating=200),
    "courses:note": record_page(on_team=200),
    "courses:note_autosave": logged_in(lambda role: 405),
    "courses:note_sign": logged_in(lambda role: 405),
    "courses:note_amend": logged_in(lambda role: 405),
    "api:course_get": api_record(on_team=200, admin=404),
    "api:course_notes": api_record(on_team=200, admin=404),
}


def target_course(cast: Cast, target: str) -> Course:
    """The target client's latest course (built by the matrix's `records` fixture)."""
    return Course.objects.filter(client=cast.clients[target]).order_by("-start_date", "-pk")[0]


KWARGS: dict[str, Callable[[Cast, str], object]] = {
    "course_id": lambda cast, target: target_course(cast, target).pk,
    "note_id": lambda cast, target: target_course(cast, target).notes.order_by("number")[0].pk,
}
