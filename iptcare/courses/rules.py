"""Who may see and work on an IPT course. Clinical: the client's care team, or an
administrator who has broken the glass (read only). Only the course's therapist (or
another assigned therapist) writes to it; a supervisor reads and, later, co-signs."""

from __future__ import annotations

import rules

from iptcare.courses.models import Course


@rules.predicate
def can_view_client_clinical(user, course: Course) -> bool:  # type: ignore[no-untyped-def]
    return bool(user.has_perm("clients.view_clinical", course.client))


@rules.predicate
def is_treating_therapist(user, course: Course) -> bool:  # type: ignore[no-untyped-def]
    from iptcare.clients.rules import is_assigned_therapist

    return bool(
        user.is_authenticated
        and user.is_therapist
        and (course.therapist_id == user.pk or is_assigned_therapist(user, course.client))
        and user.clinic_id == course.clinic_id
    )


rules.add_perm("courses.view_course", can_view_client_clinical)
rules.add_perm("courses.change_course", is_treating_therapist)
