"""Who may see and do what in supervision."""

from __future__ import annotations

import rules

from iptcare.accounts.models import User
from iptcare.accounts.rules import is_clinic_admin, is_supervisor, is_therapist
from iptcare.clinic.selectors import supervisees_of
from iptcare.supervision.models import AgreedAction, SupervisionMeeting

# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------
# A supervisor logs their meetings and sees and changes them; a supervisee sees the
# meetings they attended; an administrator sees the clinic's totals (minutes and counts),
# never the notes; clients see nothing of supervision.


def _same_clinic(user: object, clinic_id: int | None) -> User | None:
    return user if isinstance(user, User) and clinic_id == user.clinic_id else None


@rules.predicate
def runs_the_meeting(user: object, meeting: SupervisionMeeting) -> bool:
    person = _same_clinic(user, meeting.clinic_id)
    return person is not None and person.is_supervisor and meeting.supervisor_id == person.pk


@rules.predicate
def attended_the_meeting(user: object, meeting: SupervisionMeeting) -> bool:
    person = _same_clinic(user, meeting.clinic_id)
    return person is not None and any(s.pk == person.pk for s in meeting.supervisees.all())


@rules.predicate
def action_is_theirs(user: object, action: AgreedAction) -> bool:
    """The supervisor, the supervisee it names, or anyone present when it names nobody."""
    meeting = action.meeting
    if runs_the_meeting(user, meeting):
        return True
    if action.supervisee_id is None:
        return bool(attended_the_meeting(user, meeting))
    person = _same_clinic(user, meeting.clinic_id)
    return person is not None and action.supervisee_id == person.pk


rules.add_perm("supervision.log_meeting", is_supervisor)
rules.add_perm("supervision.view_meeting", runs_the_meeting | attended_the_meeting)
rules.add_perm("supervision.change_meeting", runs_the_meeting)
rules.add_perm("supervision.mark_action_done", action_is_theirs)
rules.add_perm("supervision.view_log_totals", is_clinic_admin | is_supervisor | is_therapist)


# --- Practicum hours -----------------------------------------------------------------------
# A student (or any therapist) sees and corrects their own hours; their supervisor sees,
# corrects and signs them off; an administrator sees the totals only (no chart numbers, no
# notes, no export); clients never.


@rules.predicate
def is_the_supervisee(user: object, supervisee: User) -> bool:
    person = _same_clinic(user, supervisee.clinic_id)
    return person is not None and person.is_therapist and person.pk == supervisee.pk


@rules.predicate
def supervises(user: object, supervisee: User) -> bool:
    # Who supervises whom is the clinic app's to say (its supervision links).
    person = _same_clinic(user, supervisee.clinic_id)
    return (
        person is not None
        and person.is_supervisor
        and person.pk != supervisee.pk
        and supervisees_of(person).filter(pk=supervisee.pk).exists()
    )


@rules.predicate
def administers_their_clinic(user: object, supervisee: User) -> bool:
    person = _same_clinic(user, supervisee.clinic_id)
    return person is not None and person.is_clinic_admin


rules.add_perm("supervision.view_hours", is_the_supervisee | supervises | administers_their_clinic)
rules.add_perm("supervision.view_hours_detail", is_the_supervisee | supervises)
rules.add_perm("supervision.adjust_hours", is_the_supervisee | supervises)
rules.add_perm("supervision.sign_off_hours", supervises)


# --- Certification -------------------------------------------------------------------------


# A therapist's certification progress: theirs, and their supervisors'.
rules.add_perm("supervision.view_certification", is_the_supervisee | supervises)


# --- Supervisor's home ---------------------------------------------------------------------
