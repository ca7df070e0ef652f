"""Who may answer, give and act on questionnaires.

- The client answers their own course's questionnaires in the portal.
- The treating therapist gives one in session ("hand the device to the client").
- The care team (treating therapist, their supervisor) closes risk flags; so does an
  administrator who has broken the glass, since an unsupervised therapist's overdue flags
  are escalated to the administrators.
"""

from __future__ import annotations

import rules

from iptcare.clients.rules import (
    has_broken_the_glass,
    is_own_record,
    supervises_a_therapist_of,
)
from iptcare.courses.models import Course
from iptcare.courses.rules import is_treating_therapist


@rules.predicate
def is_own_course(user, course: Course) -> bool:
    return bool(is_own_record(user, course.client))


@rules.predicate
def supervises_course(user, course: Course) -> bool:
    return bool(supervises_a_therapist_of(user, course.client))


@rules.predicate
def broke_the_glass_for(user, course: Course) -> bool:
    return bool(has_broken_the_glass(user, course.client))


rules.add_perm("measures.answer_own", is_own_course)
rules.add_perm("measures.administer", is_treating_therapist)
rules.add_perm(
    "measures.resolve_flag", is_treating_therapist | supervises_course | broke_the_glass_for
)
