"""Who may see and do what in supervision."""

from __future__ import annotations

import rules  # noqa: F401

from iptcare.accounts import rules as roles
from iptcare.accounts.models import User
from iptcare.clients.rules import has_broken_the_glass
from iptcare.clinic.selectors import supervisees_of
from iptcare.courses.models import SessionNote

# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------
# - A supervisor sees and rates the sessions of their current supervisees (who they are
#   is `clinic.selectors.supervisees_of`, the one place that knows the supervision links).
# - A therapist sees the ratings of their own sessions (both kinds) and rates them too.
# - An administrator sees how many ratings were done, not the scores or comments, unless
#   they broke the glass on that client's record; and loads the clinic's scales.
# - Clients never see fidelity ratings.


def _staff_of_clinic(user: object, clinic_id: int) -> User | None:
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        if not user.is_client and user.clinic_id == clinic_id:
            return user
    return None


@rules.predicate
def supervises_the_note_author(user: object, note: SessionNote) -> bool:
    person = _staff_of_clinic(user, note.clinic_id)
    return bool(
        person is not None
        and note.author_id != person.pk
        and supervisees_of(person).filter(pk=note.author_id).exists()
    )


@rules.predicate
def wrote_the_note(user: object, note: SessionNote) -> bool:
    person = _staff_of_clinic(user, note.clinic_id)
    return person is not None and person.is_therapist and note.author_id == person.pk


@rules.predicate
def broke_the_glass_for_the_note(user: object, note: SessionNote) -> bool:
    return bool(has_broken_the_glass(user, note.course.client))


@rules.predicate
def is_that_person(user: object, person: User) -> bool:
    me = _staff_of_clinic(user, person.clinic_id or 0)
    return me is not None and me.pk == person.pk and me.is_therapist


@rules.predicate
def supervises_that_person(user: object, person: User) -> bool:
    me = _staff_of_clinic(user, person.clinic_id or 0)
    return (
        me is not None and me.pk != person.pk and supervisees_of(me).filter(pk=person.pk).exists()
    )


rules.add_perm(
    "supervision.view_fidelity_of_note",
    supervises_the_note_author | wrote_the_note | broke_the_glass_for_the_note,
)
rules.add_perm("supervision.rate_fidelity_as_supervisor", supervises_the_note_author)
rules.add_perm("supervision.rate_fidelity_self", wrote_the_note)
rules.add_perm("supervision.view_fidelity_of_person", is_that_person | supervises_that_person)
rules.add_perm("supervision.manage_fidelity_scales", roles.is_clinic_admin)
rules.add_perm("supervision.view_fidelity_counts", roles.is_clinic_admin)


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
