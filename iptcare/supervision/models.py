"""Supervision of IPT: the review of practicum students' notes, fidelity ratings, the
supervision log, practicum hours and certification progress."""

from __future__ import annotations

from django.db import models  # noqa: F401


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
