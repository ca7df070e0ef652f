"""Who may see and do what in supervision."""

from __future__ import annotations

import rules

from iptcare.accounts import rules as roles
from iptcare.accounts.models import User
from iptcare.accounts.rules import is_clinic_admin, is_supervisor, is_therapist
from iptcare.clients.rules import has_broken_the_glass
from iptcare.clinic.selectors import supervisees_of
from iptcare.courses.models import SessionNote
from iptcare.supervision.models import AgreedAction, SupervisionMeeting

# --- Who is who: the therapist themselves, and their current supervisors -----------------
# Who supervises whom is the clinic app's to say (`clinic.selectors.supervisees_of`, from
# the supervision links); every supervision rule asks it through these.


def _same_clinic(user: object, clinic_id: int | None) -> User | None:
    """The signed-in staff member, when they belong to that clinic."""
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        if user.is_clinic_staff and clinic_id is not None and user.clinic_id == clinic_id:
            return user
    return None


def _supervises(person: User, supervisee_id: int) -> bool:
    return (
        person.is_supervisor
        and person.pk != supervisee_id
        and supervisees_of(person).filter(pk=supervisee_id).exists()
    )


@rules.predicate
def is_the_supervisee(user: object, supervisee: User) -> bool:
    """The therapist the records are about, themselves."""
    person = _same_clinic(user, supervisee.clinic_id)
    return person is not None and person.is_therapist and person.pk == supervisee.pk


@rules.predicate
def supervises(user: object, supervisee: User) -> bool:
    """A current supervisor of the therapist."""
    person = _same_clinic(user, supervisee.clinic_id)
    return person is not None and _supervises(person, supervisee.pk)


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------
# - A supervisor sees and rates the sessions of their current supervisees (who they are
#   is `clinic.selectors.supervisees_of`, the one place that knows the supervision links).
# - A therapist sees the ratings of their own sessions (both kinds) and rates them too.
# - An administrator sees how many ratings were done, not the scores or comments, unless
#   they broke the glass on that client's record; and loads the clinic's scales.
# - Clients never see fidelity ratings.


@rules.predicate
def supervises_the_note_author(user: object, note: SessionNote) -> bool:
    person = _same_clinic(user, note.clinic_id)
    return person is not None and _supervises(person, note.author_id)


@rules.predicate
def wrote_the_note(user: object, note: SessionNote) -> bool:
    person = _same_clinic(user, note.clinic_id)
    return person is not None and person.is_therapist and note.author_id == person.pk


@rules.predicate
def broke_the_glass_for_the_note(user: object, note: SessionNote) -> bool:
    return bool(has_broken_the_glass(user, note.course.client))


rules.add_perm(
    "supervision.view_fidelity_of_note",
    supervises_the_note_author | wrote_the_note | broke_the_glass_for_the_note,
)
rules.add_perm("supervision.rate_fidelity_as_supervisor", supervises_the_note_author)
rules.add_perm("supervision.rate_fidelity_self", wrote_the_note)
rules.add_perm("supervision.view_fidelity_of_person", is_the_supervisee | supervises)
rules.add_perm("supervision.manage_fidelity_scales", roles.is_clinic_admin)
rules.add_perm("supervision.view_fidelity_counts", roles.is_clinic_admin)


# --- Supervision log -----------------------------------------------------------------------
# A supervisor logs their meetings and sees and changes them; a supervisee sees the
# meetings they attended; an administrator sees the clinic's totals (minutes and counts),
# never the notes; clients see nothing of supervision.


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

# The supervision overview: a therapist their supervisors and own records, a supervisor
# their supervisees, an administrator the clinic's counts (no text).
rules.add_perm("supervision.view_clinic_counts", roles.is_clinic_admin)
