"""The choke point's two ways of fetching a course agree: the full ORM fetch and the lean
one-statement fetch used by the questionnaire handed to the client."""

from __future__ import annotations

import pytest
from django.http import Http404

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.audit.services import Actor
from iptcare.courses.models import Course
from iptcare.courses.selectors import (
    _visible_course,
    course_position,
    course_position_as_fetched,
)
from tests import factories


@pytest.fixture(autouse=True)
def courses(cast: Cast) -> None:
    """A course for each target, with sessions held (and, for the student, co-signed)."""
    factories.signed_notes(factories.open_course(cast.clients["client"]), 3)
    student_course = factories.open_course(cast.clients["student_client"])
    for note in factories.signed_notes(student_course, 2):
        factories.cosign(note)


def _user(cast: Cast, role: str) -> User:
    # As a request has it: the clinic loaded by the time-zone middleware.
    return User.objects.select_related("clinic").get(pk=cast.users[role].pk)


def _fetch(cast: Cast, role: str, pk: int, *, lean: bool) -> tuple[Course, str]:
    return _visible_course(Actor(user=_user(cast, role), role=""), pk, lean=lean)


@pytest.mark.parametrize(
    ("role", "target"),
    [("therapist", "client"), ("student", "student_client"), ("supervisor", "student_client")],
)
def test_the_lean_fetch_loads_what_the_full_fetch_loads(cast: Cast, role: str, target: str) -> None:
    courses = Course.objects.filter(client=cast.clients[target])
    assert courses
    for course in courses:
        full, full_role = _fetch(cast, role, course.pk, lean=False)
        lean, lean_role = _fetch(cast, role, course.pk, lean=True)
        assert lean_role == full_role
        for name in ("pk", "clinic_id", "client_id", "therapist_id", "protocol", "status"):
            assert getattr(lean, name) == getattr(full, name), name
        assert lean.planned_sessions == full.planned_sessions
        assert lean.viewer_is_assigned is full.viewer_is_assigned
        assert lean.held_when_fetched == full.held_when_fetched == course_position(course).held
        assert course_position_as_fetched(lean) == course_position(course)
        for name in ("pk", "clinic_id", "user_id"):
            assert getattr(lean.client, name) == getattr(full.client, name), name
        # Anything else loads on first use, and is right.
        assert lean.start_date == full.start_date
        assert lean.client.legal_name == full.client.legal_name


def test_the_assignment_comes_with_the_course(cast: Cast) -> None:
    course = Course.objects.filter(client=cast.clients["student_client"]).first()
    assert course is not None
    for lean in (False, True):
        assert _fetch(cast, "student", course.pk, lean=lean)[0].viewer_is_assigned is True
        # The supervisor sees it, as the supervisor of its therapist, not as assigned.
        course_seen, role = _fetch(cast, "supervisor", course.pk, lean=lean)
        assert course_seen.viewer_is_assigned is False
        assert role == "supervisor"


@pytest.mark.parametrize("lean", [False, True])
@pytest.mark.parametrize(
    "role", ["therapist2", "client", "client2", "admin", "other_admin", "other_therapist"]
)
def test_either_fetch_hides_a_course_from_someone_outside_the_care_team(
    cast: Cast, role: str, lean: bool
) -> None:
    course = Course.objects.filter(client=cast.clients["client"]).first()
    assert course is not None
    with pytest.raises(Http404):
        _fetch(cast, role, course.pk, lean=lean)


@pytest.mark.parametrize("lean", [False, True])
def test_either_fetch_answers_404_for_a_course_that_does_not_exist(cast: Cast, lean: bool) -> None:
    for pk in (0, -1, 2**63, 10**9):
        with pytest.raises(Http404):
            _fetch(cast, "therapist", pk, lean=lean)
