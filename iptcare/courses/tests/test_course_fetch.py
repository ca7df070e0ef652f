"""The course choke point: one query for the course and its client, the rules, and exactly
one entry in the access log per request (`course_get_for` for reads, `course_visit` for a
request that may write)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.courses.models import Course
from iptcare.courses.selectors import course_get_for, course_visit
from tests import factories


@pytest.fixture(autouse=True)
def courses(cast: Cast) -> None:
    """A course for each target, with sessions held (and, for the student, co-signed)."""
    factories.signed_notes(factories.open_course(cast.clients["client"]), 3)
    student_course = factories.open_course(cast.clients["student_client"])
    for note in factories.signed_notes(student_course, 2):
        factories.cosign(note)


def _actor(cast: Cast, role: str) -> Actor:
    # As a request has it: the clinic loaded by the time-zone middleware.
    return Actor(user=User.objects.select_related("clinic").get(pk=cast.users[role].pk), role="")


def _course(cast: Cast, target: str = "client") -> Course:
    course = Course.objects.filter(client=cast.clients[target]).first()
    assert course is not None
    return course


def _new_entries(since: int) -> list[AccessEntry]:
    return list(AccessEntry.objects.filter(pk__gt=since).order_by("pk"))


def _last() -> int:
    return AccessEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize(
    ("role", "target", "granted_as"),
    [
        ("therapist", "client", "therapist"),
        ("student", "student_client", "therapist"),
        ("supervisor", "student_client", "supervisor"),
    ],
)
def test_a_read_records_one_entry_in_the_role_that_grants_it(
    cast: Cast, role: str, target: str, granted_as: str
) -> None:
    course = _course(cast, target)
    before = _last()
    assert course_get_for(actor=_actor(cast, role), pk=course.pk) == course
    [entry] = _new_entries(before)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "read",
        "courses.course",
        str(course.pk),
    )
    assert (entry.acting_role, entry.client_id) == (granted_as, course.client_id)


def test_the_choke_point_reads_the_course_once_and_asks_the_care_team_once(
    cast: Cast,
) -> None:
    actor, course = _actor(cast, "therapist"), _course(cast)
    with CaptureQueriesContext(connection) as captured:
        fetched = course_get_for(actor=actor, pk=course.pk)
    reads = [q["sql"] for q in captured if q["sql"].startswith("SELECT")]
    # The course with its client; then the link table once: the role that grants the
    # clinical record (clients.rules.clinical_role) says both whether they may see it and
    # the role the access log names.
    assert len(reads) == 2, reads
    assert sum('FROM "courses_course"' in sql for sql in reads) == 1, reads
    assert sum("clients_client_therapists" in sql for sql in reads) == 1, reads
    # The clinic is the viewer's own, already loaded with the request's user.
    with CaptureQueriesContext(connection) as later:
        assert fetched.clinic.time_zone and fetched.client.legal_name
        assert actor.user is not None
        assert actor.user.has_perm("courses.change_course", fetched)  # the course's therapist
    assert len(later) == 0


@pytest.mark.parametrize(
    "role", ["therapist2", "client", "client2", "admin", "other_admin", "other_therapist"]
)
def test_someone_outside_the_care_team_gets_404_and_nothing_is_logged(
    cast: Cast, role: str
) -> None:
    course, before = _course(cast), _last()
    with pytest.raises(Http404):
        course_get_for(actor=_actor(cast, role), pk=course.pk)
    with pytest.raises(Http404), course_visit(actor=_actor(cast, role), pk=course.pk):
        pass
    assert _new_entries(before) == []


@pytest.mark.parametrize("pk", [0, -1, 2**63, 10**9])
def test_a_course_that_does_not_exist_is_404(cast: Cast, pk: int) -> None:
    with pytest.raises(Http404):
        course_get_for(actor=_actor(cast, "therapist"), pk=pk)


def test_a_visit_that_stores_nothing_records_a_read(cast: Cast) -> None:
    course, before = _course(cast), _last()
    with course_visit(actor=_actor(cast, "therapist"), pk=course.pk) as visit:
        assert visit.course == course and visit.actor.role == "therapist"
    [entry] = _new_entries(before)
    assert (entry.action, entry.object_type, entry.acting_role) == (
        "read",
        "courses.course",
        "therapist",
    )


def test_a_visit_refused_by_a_later_check_still_records_the_read(cast: Cast) -> None:
    course, before = _course(cast, "student_client"), _last()
    with pytest.raises(PermissionDenied):
        with course_visit(actor=_actor(cast, "supervisor"), pk=course.pk):
            raise PermissionDenied
    [entry] = _new_entries(before)
    assert (entry.action, entry.acting_role) == ("read", "supervisor")


def test_a_visit_whose_write_recorded_its_own_entry_adds_none(cast: Cast) -> None:
    course, before = _course(cast), _last()
    with course_visit(actor=_actor(cast, "therapist"), pk=course.pk) as visit:
        visit.written()
    assert _new_entries(before) == []
