"""Who may see and work on an IPT course. Clinical: the client's care team, or an
administrator who has broken the glass (read only). Only the course's therapist (or
another assigned therapist) writes to it; a supervisor reads and co-signs.

- A therapist starts a course for a client assigned to them who has no open course.
- A practicum student's signed note waits for a co-signature from the student's own
  supervisor, in the same clinic; nobody else co-signs it.
- A draft is edited by the client's treating therapist; a note returned for revision by
  its author only (it is their signature the supervisor asked them to revise).
"""

from __future__ import annotations

import rules

from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.clients.rules import is_assigned_therapist
from iptcare.clinic.selectors import supervises
from iptcare.courses.models import Course, SessionNote


@rules.predicate
def can_view_client_clinical(user, course: Course) -> bool:
    return bool(user.has_perm("clients.view_clinical", course.client))


@rules.predicate
def is_treating_therapist(user, course: Course) -> bool:
    return bool(
        user.is_authenticated
        and user.is_therapist
        and (course.therapist_id == user.pk or is_assigned_therapist(user, course.client))
        and user.clinic_id == course.clinic_id
    )


@rules.predicate
def has_no_open_course(user: object, client: Client) -> bool:
    ended = [Course.Status.COMPLETED, Course.Status.ENDED_EARLY]
    return not Course.objects.filter(client_id=client.pk).exclude(status__in=ended).exists()


@rules.predicate
def supervises_the_author(user: object, note: SessionNote) -> bool:
    # Any supervisor with a current link to the author (primary or not) may co-sign.
    return (
        isinstance(user, User)
        and note.status == SessionNote.Status.AWAITING_COSIGNATURE
        and user.clinic_id == note.clinic_id
        and supervises(user, note.author_id)
    )


@rules.predicate
def is_draft_of_the_treating_therapist(user, note: SessionNote) -> bool:
    return note.status == SessionNote.Status.DRAFT and is_treating_therapist(user, note.course)


@rules.predicate
def is_returned_to_the_author(user, note: SessionNote) -> bool:
    return bool(
        isinstance(user, User)
        and note.status == SessionNote.Status.RETURNED
        and note.author_id == user.pk
        and user.is_therapist
        and user.clinic_id == note.clinic_id
    )


rules.add_perm("courses.view_course", can_view_client_clinical)
rules.add_perm("courses.change_course", is_treating_therapist)
rules.add_perm("courses.start_course", is_assigned_therapist & has_no_open_course)
rules.add_perm("courses.cosign_note", supervises_the_author)
rules.add_perm("courses.revise_note", is_returned_to_the_author)
# Who may change the note's text now: autosave, the save and the sign buttons.
rules.add_perm("courses.edit_note", is_draft_of_the_treating_therapist | is_returned_to_the_author)
