"""Who may produce, see and download reports, letters, exports and clinic outcomes."""

from __future__ import annotations

import rules  # noqa: F401


# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------
