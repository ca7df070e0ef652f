"""Reads of courses. `course_get_for` is the one choke point: rules, then the audit log."""

from __future__ import annotations

from django.http import Http404

from iptcare.audit.services import Actor, access_record
from iptcare.clients.rules import acting_role
from iptcare.courses.models import Course


def course_get_for(*, actor: Actor, pk: int, perm: str = "courses.view_course") -> Course:
    """The course if the actor may see it; 404 otherwise (no existence leak).

    With perm="courses.change_course" a person who may see but not change the course
    gets PermissionDenied (403) from the caller's check, not here: this only hides.
    """
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    course = (
        Course.objects.filter(clinic_id=user.clinic_id, pk=pk)
        .select_related("client__clinic", "therapist__therapist_profile", "clinic")
        .first()
    )
    if course is None or not user.has_perm("courses.view_course", course):
        raise Http404
    access_record(
        actor=actor.as_role(acting_role(user, course.client, clinical=True)),
        action="read",
        client=course.client,
        target=course,
    )
    return course
