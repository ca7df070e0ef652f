"""Report, letter, export and outcomes pages: thin views over services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from iptcare.audit.services import actor_from_request
from iptcare.core.access import administrator_required
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.core.parsing import parse_id
from iptcare.reports import selectors, services
from iptcare.reports.fhir import FHIR_CONTENT_TYPE
from iptcare.reports.models import FhirExport

# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


def _clinic_export_for(request: AuthenticatedHttpRequest, export_id: int) -> FhirExport:
    """The clinic's own export job; 404 for another clinic's or a made-up id."""
    pk = parse_id(export_id)
    job = (
        selectors.fhir_export_of_clinic(request.user.home_clinic_id, pk) if pk is not None else None
    )
    if job is None:
        raise Http404
    return job


@administrator_required
def fhir_exports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The administrator's clinic-wide FHIR export: start one, follow it, download it."""
    if not request.user.has_perm("reports.export_clinic_fhir"):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.fhir_clinic_export_start(
                actor=actor_from_request(request, "administrator"),
                clinic_id=request.user.home_clinic_id,
            )
        except services.FhirExportBusy as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The export has started; it is below, with its progress.")
        return redirect("reports:fhir_exports")
    exports = selectors.fhir_exports_of_clinic(request.user.home_clinic_id)
    return render(request, "reports/fhir_exports.html", {"exports": exports})


@administrator_required
def fhir_export_progress(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    """One export's row, polled by htmx until it is finished."""
    if not request.user.has_perm("reports.export_clinic_fhir"):
        raise PermissionDenied
    job = _clinic_export_for(request, export_id)
    return render(request, "reports/fhir_export_row.html", {"export": job})


@administrator_required
def fhir_export_download(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    if not request.user.has_perm("reports.export_clinic_fhir"):
        raise PermissionDenied
    job = _clinic_export_for(request, export_id)
    if job.status != FhirExport.Status.DONE:
        raise Http404
    content = services.fhir_clinic_export_download(
        actor=actor_from_request(request, "administrator"), job=job
    )
    response = HttpResponse(content, content_type=FHIR_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


# --- Clinic outcomes -----------------------------------------------------------------------
