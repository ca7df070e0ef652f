"""Writes of reports, consents, letters and exports: atomic and audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic
from iptcare.reports import fhir, selectors
from iptcare.reports.models import FhirExport

# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------

# Clients per step of the clinic-wide job: the progress shown moves after each step, and
# the queries per step stay the nine of `fhir_records_for`.
FHIR_EXPORT_STEP = 50
FHIR_EXPORT_STALE = timedelta(hours=1)


class FhirExportBusy(Exception):
    """The clinic's previous export has not finished (one at a time: each reads it all)."""


def fhir_client_bundle(*, client: Client) -> str:
    """One client's FHIR Bundle (JSON), for a caller that audits the export itself (the
    client's own "download my data")."""
    records = selectors.fhir_records_for(clinic=client.clinic, client_ids=[client.pk])
    return fhir.bundle_json(fhir.build_bundle(records, key=client.pk))


@transaction.atomic
def fhir_client_export(*, actor: Actor, client: Client) -> str:
    """One client's FHIR Bundle (JSON), audited as an export of their record. The caller
    has found the client through a choke point (`client_get_for`, `own_record_for`)."""
    content = fhir_client_bundle(client=client)
    access_record(actor=actor, action="export", client=client, target=client, detail="FHIR export")
    return content


@transaction.atomic
def fhir_clinic_export_start(*, actor: Actor, clinic_id: int) -> FhirExport:
    """Queue the export of every client of the clinic; the job runs after the commit."""
    from django_q.tasks import async_task

    if actor.user is None:
        raise PermissionDenied
    running = FhirExport.objects.filter(
        clinic_id=clinic_id,
        status__in=[FhirExport.Status.QUEUED, FhirExport.Status.RUNNING],
        # A job whose worker died long ago no longer holds the clinic back.
        requested_at__gte=timezone.now() - FHIR_EXPORT_STALE,
    ).exists()
    if running:
        raise FhirExportBusy("An export is already running: wait for it to finish.")
    job = FhirExport.objects.create(
        clinic_id=clinic_id,
        requested_by=actor.user,
        total=Client.objects.filter(clinic_id=clinic_id).count(),
    )
    access_record(
        actor=actor, action="create", client=None, target=job, detail="clinic FHIR export"
    )
    transaction.on_commit(
        lambda: async_task(
            "iptcare.reports.services.fhir_clinic_export_run",
            job.pk,
            task_name=f"fhir_clinic_export_{job.pk}",
        )
    )
    return job


def fhir_clinic_bundle(
    *,
    actor: Actor,
    clinic: Clinic,
    detail: str,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Every client of the clinic in one FHIR Bundle (JSON), a step of clients at a time;
    each client's record read is in the access log. `progress(done, total)` after each."""
    ids = list(Client.objects.filter(clinic=clinic).order_by("pk").values_list("pk", flat=True))
    out = fhir.Bundler(clinic.pk)
    # The clinic is in the Bundle even when it has no clients yet.
    fhir.add_records(out, fhir.ExportRecords(clinic=clinic, therapists=[], clients=[]))
    if progress is not None:
        progress(0, len(ids))
    for start in range(0, len(ids), FHIR_EXPORT_STEP):
        step = ids[start : start + FHIR_EXPORT_STEP]
        with transaction.atomic():
            records = selectors.fhir_records_for(clinic=clinic, client_ids=step)
            fhir.add_records(out, records)
            for one in records.clients:
                access_record(
                    actor=actor,
                    action="export",
                    client=one.client,
                    target=one.client,
                    detail=detail,
                )
            if progress is not None:
                progress(start + len(step), len(ids))
    return fhir.bundle_json(out.bundle("clinic"))


def fhir_clinic_export_run(job_id: int) -> None:
    """The background job of `fhir_clinic_export_start`.

    Idempotent: a job already finished is left alone, one cut short starts again."""
    job = FhirExport.objects.select_related("clinic", "requested_by").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    actor = Actor(user=job.requested_by, role="administrator", request_id=f"fhir-export-{job.pk}")

    def progress(done: int, total: int) -> None:
        FhirExport.objects.filter(pk=job.pk).update(
            status=FhirExport.Status.RUNNING, done=done, total=total
        )

    try:
        content = fhir_clinic_bundle(
            actor=actor,
            clinic=job.clinic,
            detail=f"clinic FHIR export {job.pk}",
            progress=progress,
        )
    except Exception as exc:
        FhirExport.objects.filter(pk=job.pk).update(
            status=FhirExport.Status.FAILED,
            finished_at=timezone.now(),
            error=type(exc).__name__[:300],
        )
        raise
    FhirExport.objects.filter(pk=job.pk).update(
        status=FhirExport.Status.DONE,
        done=F("total"),
        content=content,
        size=len(content.encode()),
        finished_at=timezone.now(),
    )


@transaction.atomic
def fhir_clinic_export_download(*, actor: Actor, job: FhirExport) -> str:
    access_record(
        actor=actor, action="export", client=None, target=job, detail="clinic FHIR export"
    )
    return job.content


# --- Clinic outcomes -----------------------------------------------------------------------
