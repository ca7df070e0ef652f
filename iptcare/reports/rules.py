"""Who may produce, see and download reports, letters, exports and clinic outcomes."""

from __future__ import annotations

import rules

from iptcare.accounts.models import User
from iptcare.accounts.rules import is_clinic_admin, is_supervisor
from iptcare.accounts.rules import is_clinic_admin as _is_clinic_admin
from iptcare.clients.models import Client
from iptcare.clients.rules import is_care_team
from iptcare.clients.rules import may_read_clinical as _may_read_clinical
from iptcare.clinic.selectors import supervises
from iptcare.courses import rules as courses_rules
from iptcare.reports.models import PhysicianLetter, TreatmentReport

# --- Treatment reports ---------------------------------------------------------------------
# A report is the course's: the care team reads it (as the course, `courses.view_course`),
# the treating therapist starts and writes it while it is a draft, a supervisor with a
# current link to its author co-signs a practicum student's report, and the client reads
# and downloads their own once it is final (co-signed when the author is a student).


@rules.predicate
def may_read_course_of(user: object, report: TreatmentReport) -> bool:
    return isinstance(user, User) and bool(user.has_perm("clients.view_clinical", report.client))


@rules.predicate
def is_draft_of_a_treating_therapist(user: object, report: TreatmentReport) -> bool:
    return report.status == TreatmentReport.Status.DRAFT and bool(
        isinstance(user, User) and user.has_perm("courses.change_course", report.course)
    )


@rules.predicate
def supervises_the_report_author(user: object, report: TreatmentReport) -> bool:
    return (
        isinstance(user, User)
        and report.status == TreatmentReport.Status.AWAITING_COSIGNATURE
        and user.clinic_id == report.clinic_id
        and supervises(user, report.author_id)
    )


@rules.predicate
def is_final(user: object, report: TreatmentReport) -> bool:
    return report.status == TreatmentReport.Status.FINAL


@rules.predicate
def is_the_clients_own(user: object, report: TreatmentReport) -> bool:
    return (
        isinstance(user, User)
        and user.is_authenticated
        and report.client.user_id == user.pk
        and report.clinic_id == user.clinic_id
    )


rules.add_perm("reports.start_report", courses_rules.is_treating_therapist)
rules.add_perm("reports.view_report", may_read_course_of)
rules.add_perm("reports.edit_report", is_draft_of_a_treating_therapist)
rules.add_perm("reports.cosign_report", supervises_the_report_author)
rules.add_perm("reports.download_report", is_final & (may_read_course_of | is_the_clients_own))


# --- Consent and letters -------------------------------------------------------------------
# The client's care team records and withdraws consents to share (an administrator who
# broke the glass reads, never records); the treating therapist writes the letter, and the
# care team reads the stored letters.


@rules.predicate
def is_care_team_staff(user: object, client: Client) -> bool:
    return isinstance(user, User) and user.is_clinic_staff and bool(is_care_team(user, client))


@rules.predicate
def may_read_letter(user: object, letter: PhysicianLetter) -> bool:
    return isinstance(user, User) and bool(user.has_perm("clients.view_clinical", letter.client))


rules.add_perm("reports.manage_consent", is_care_team_staff)
rules.add_perm("reports.write_letter", courses_rules.is_treating_therapist)
rules.add_perm("reports.view_letter", may_read_letter)


# --- FHIR export ---------------------------------------------------------------------------

# One client's Bundle: whoever may read their clinical record (the care team, or an
# administrator who broke the glass); the rule lives with the client's record.
rules.add_perm("reports.export_client_fhir", rules.predicates.is_authenticated & _may_read_clinical)
# The whole clinic's Bundle: the administrator (it is the clinic's move to another system).
rules.add_perm("reports.export_clinic_fhir", _is_clinic_admin)


# --- Clinic outcomes -----------------------------------------------------------------------

# A clinic's administrators see the whole clinic's figures; a supervisor their supervisees'
# (the selectors narrow the courses; this decides who opens the page at all).
rules.add_perm("reports.view_clinic_outcomes", is_clinic_admin | is_supervisor)
