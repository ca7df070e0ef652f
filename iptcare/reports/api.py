"""Reports in the API: the FHIR export of one client."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reports"])


# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------
