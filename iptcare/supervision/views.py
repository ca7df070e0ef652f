"""Supervision pages: thin views over the services and selectors."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from iptcare.core.access import staff_required
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.supervision import selectors

# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


@staff_required
def certification(request: AuthenticatedHttpRequest, therapist_id: int) -> HttpResponse:
    """A therapist's progress towards the clinic's certification standard, derived from
    their records; for them and their supervisors."""
    person = selectors.therapist_get_for(
        request.user, therapist_id, "supervision.view_certification"
    )
    return render(
        request,
        "supervision/certification.html",
        {"person": person, "progress": selectors.certification_progress(person)},
    )


# --- Supervisor's home ---------------------------------------------------------------------
