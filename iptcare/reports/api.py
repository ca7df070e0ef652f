"""Reports in the API: the FHIR export of one client."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from iptcare.audit.services import actor_from_request
from iptcare.clients.rules import clinical_role
from iptcare.clients.selectors import client_get_for
from iptcare.reports import fhir, services

router = Router(tags=["reports"])


# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


@router.get(
    "/fhir/Patient/{int:client_id}/$everything",
    url_name="fhir_patient_everything",
    response={200: dict},
    summary="One client's record as a FHIR R4 Bundle",
    description=(
        "The FHIR R4 Bundle (type collection) of the client's record, as "
        "application/fhir+json; `client_id` is IPTCare's client id. The mapping is in "
        "docs/fhir.md. Only the care team (or an administrator who broke the glass) gets "
        "it; anybody else gets 404. Audited as an export."
    ),
)
def fhir_patient_everything(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = client_get_for(actor=actor, pk=client_id, perm="reports.export_client_fhir")
    role = clinical_role(request.user, client) or ""
    content = services.fhir_client_export(actor=actor.as_role(role), client=client)
    return HttpResponse(content, content_type=fhir.FHIR_CONTENT_TYPE)


# --- Clinic outcomes -----------------------------------------------------------------------
