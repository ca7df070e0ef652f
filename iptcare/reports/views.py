"""Report, letter, export and outcomes pages: thin views over services and selectors."""

from __future__ import annotations


# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------
