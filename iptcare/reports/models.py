"""What leaves the clinic: signed treatment reports and letters (stored as signed),
the client's consents to share, and clinic-wide FHIR exports."""

from __future__ import annotations

from django.db import models  # noqa: F401


# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------
