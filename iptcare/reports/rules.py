"""Who may produce, see and download reports, letters, exports and clinic outcomes."""

from __future__ import annotations

import rules  # noqa: F401

from iptcare.accounts.rules import is_clinic_admin as _is_clinic_admin
from iptcare.clients.rules import may_read_clinical as _may_read_clinical

# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------

# One client's Bundle: whoever may read their clinical record (the care team, or an
# administrator who broke the glass); the rule lives with the client's record.
rules.add_perm("reports.export_client_fhir", rules.predicates.is_authenticated & _may_read_clinical)
# The whole clinic's Bundle: the administrator (it is the clinic's move to another system).
rules.add_perm("reports.export_clinic_fhir", _is_clinic_admin)


# --- Clinic outcomes -----------------------------------------------------------------------
