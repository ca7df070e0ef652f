"""Who may produce, see and download reports, letters, exports and clinic outcomes."""

from __future__ import annotations

import rules  # noqa: F401

from iptcare.accounts.rules import is_clinic_admin, is_supervisor

# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------

# A clinic's administrators see the whole clinic's figures; a supervisor their supervisees'
# (the selectors narrow the courses; this decides who opens the page at all).
rules.add_perm("reports.view_clinic_outcomes", is_clinic_admin | is_supervisor)
