"""Reads for reports, exports and clinic outcomes, each with a bounded number of queries."""

from __future__ import annotations


# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------
