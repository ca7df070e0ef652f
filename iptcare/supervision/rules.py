"""Who may see and do what in supervision."""

from __future__ import annotations

import rules

from iptcare.accounts.models import User
from iptcare.clinic.selectors import supervisees_of

# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


@rules.predicate
def is_the_therapist(user: object, person: User) -> bool:
    return isinstance(user, User) and user.is_therapist and user.pk == person.pk


@rules.predicate
def supervises(user: object, person: User) -> bool:
    """A current supervisor of the person, in their clinic."""
    return (
        isinstance(user, User)
        and user.is_supervisor
        and user.clinic_id == person.clinic_id
        and supervisees_of(user).filter(pk=person.pk).exists()
    )


# A therapist's certification progress: theirs, and their supervisors'.
rules.add_perm("supervision.view_certification", is_the_therapist | supervises)


# --- Supervisor's home ---------------------------------------------------------------------
