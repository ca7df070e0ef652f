"""Supervision pages: thin views over the services and selectors."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from iptcare.accounts.models import User
from iptcare.core.access import staff_required
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.supervision import selectors


def _supervisee_for(request: AuthenticatedHttpRequest, person_id: int, perm: str) -> User:
    """A therapist of the clinic whose supervision records the signed-in person may see;
    404 for anyone else, so other people's existence is not confirmed."""
    person = (
        User.objects.filter(pk=person_id, clinic_id=request.user.home_clinic_id, is_therapist=True)
        .select_related("therapist_profile")
        .first()
    )
    if person is None or not request.user.has_perm(perm, person):
        raise Http404("No such therapist.")
    return person


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


@staff_required
def certification(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """A therapist's progress towards the clinic's certification standard, derived from
    their records; for them and their supervisors."""
    person = _supervisee_for(request, person_id, "supervision.view_certification")
    return render(
        request,
        "supervision/certification.html",
        {"person": person, "progress": selectors.certification_progress(person)},
    )


# --- Supervisor's home ---------------------------------------------------------------------
