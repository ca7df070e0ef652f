"""Writes of reports, consents, letters and exports: atomic and audited."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic
from iptcare.courses.models import Course
from iptcare.courses.selectors import clinic_today
from iptcare.reports import fhir, selectors
from iptcare.reports.models import (
    FhirExport,
    PhysicianLetter,
    SharingConsent,
    SignedDocument,
    TreatmentReport,
)
from iptcare.reports.selectors import FIGURES, OutcomeGroup

# --- Treatment reports ---------------------------------------------------------------------

STALE = (
    "This was changed elsewhere (another tab or person) since you opened it. "
    "Nothing was saved: reload to see the current version."
)
SECTION_TEXT_LIMIT = 10_000


class ReportError(ValueError):
    """A change the clinic's rules refuse; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ReportConflict(ReportError):
    """Someone else changed the record since it was opened."""


def _render_pdf(document_html: str) -> bytes:
    from weasyprint import HTML  # loaded on first signing: heavy, and pages need it not

    return HTML(string=document_html).write_pdf() or b""


def _as_text(body_html: str) -> str:
    return re.sub(r"\n\s*\n+", "\n\n", strip_tags(body_html)).strip()


def _store(document: SignedDocument, *, template: str, context: dict[str, object]) -> None:
    """Render the body (what the page shows), the PDF from the document around that same
    body, and keep both with the text and the PDF's hash: never rendered again."""
    with timezone.override(ZoneInfo(document.course.clinic.time_zone)):
        body = render_to_string(template, context)
        page = render_to_string(
            "reports/treatment_document.html",
            {"body": mark_safe(body), "title": context.get("title", "")},  # noqa: S308  # our own render, escaped
        )
    pdf = _render_pdf(page)
    document.signed_html = body
    document.signed_text = _as_text(body)
    document.pdf = pdf
    document.sha256 = hashlib.sha256(pdf).hexdigest()


def stored_body(document: SignedDocument) -> SafeString:
    """The body kept at signing, to show on the page as it was signed."""
    return mark_safe(document.signed_html)  # noqa: S308  # rendered and escaped by us at signing


def _is_practicum(user: User) -> bool:
    profile = getattr(user, "therapist_profile", None)
    return bool(profile and profile.is_practicum)


def report_context(report: TreatmentReport, records: selectors.CourseRecords) -> dict[str, object]:
    """What the report's body template reads: the same for the preview and the PDF."""
    sections = selectors.shown_sections(report)
    return {
        "report": report,
        "records": records,
        "client": report.client,
        "course": report.course,
        "clinic": report.course.clinic,
        "sections": sections,
        "title": f"{report.get_kind_display()} · {report.client.display_name}",
    }


def _cleaned_sections(sections: Mapping[str, Mapping[str, object]]) -> dict[str, dict[str, object]]:
    cleaned: dict[str, dict[str, object]] = {}
    for key in selectors.SECTION_KEYS:
        given = sections.get(key) or {}
        text = str(given.get("text") or "")
        if "\x00" in text:
            raise ReportError("The text may not contain NUL characters.", f"text_{key}")
        if len(text) > SECTION_TEXT_LIMIT:
            raise ReportError(
                f"Keep each section under {SECTION_TEXT_LIMIT:,} characters "
                f"(this one has {len(text):,}).",
                f"text_{key}",
            )
        cleaned[key] = {"include": bool(given.get("include")), "text": text.strip()}
    if not any(section["include"] for section in cleaned.values()):
        raise ReportError("Keep at least one section in the report.")
    return cleaned


@transaction.atomic
def report_start(*, actor: Actor, course: Course, kind: str) -> TreatmentReport:
    """A draft report of `kind`, each section pre-filled from the course's records."""
    user = actor.person
    if not user.has_perm("reports.start_report", course):
        raise ReportError("Only the client's treating therapist writes their reports.")
    if kind not in TreatmentReport.Kind.values:
        raise ReportError("Choose an end-of-treatment or a progress report.", "kind")
    records = selectors.course_records(course)
    report = TreatmentReport.objects.create(
        clinic_id=course.clinic_id,
        course=course,
        client=course.client,
        author=user,
        kind=kind,
        sections=selectors.report_prefill(records),
    )
    access_record(
        actor=actor,
        action="create",
        client=course.client,
        target=report,
        detail=report.get_kind_display(),
    )
    return report


def _lock_report(actor: Actor, report: TreatmentReport, version: int | None) -> TreatmentReport:
    locked = (
        TreatmentReport.objects.select_for_update(of=("self",))
        .select_related(
            "course__clinic", "course__therapist", "client", "author__therapist_profile"
        )
        .get(pk=report.pk)
    )
    if version is not None and locked.version != version:
        raise ReportConflict(STALE)
    return locked


def _require_editable(actor: Actor, report: TreatmentReport) -> None:
    if report.status != TreatmentReport.Status.DRAFT:
        raise ReportError("This report is signed: it can no longer be changed.")
    if not actor.person.has_perm("reports.edit_report", report):
        raise ReportError("Only the client's treating therapist edits this report.")


@transaction.atomic
def report_save(
    *,
    actor: Actor,
    report: TreatmentReport,
    version: int,
    sections: Mapping[str, Mapping[str, object]],
) -> TreatmentReport:
    """Keep the draft's choice of sections and their text (a stale edit is refused)."""
    locked = _lock_report(actor, report, version)
    _require_editable(actor, locked)
    locked.sections = _cleaned_sections(sections)
    locked.version = F("version") + 1
    locked.save(update_fields=["sections", "version", "updated_at"])
    locked.refresh_from_db()
    access_record(
        actor=actor, action="update", client=locked.client, target=locked, detail="draft saved"
    )
    return locked


def _finalize(report: TreatmentReport) -> None:
    records = selectors.course_records(report.course)
    _store(report, template="reports/treatment_body.html", context=report_context(report, records))
    report.status = TreatmentReport.Status.FINAL


@transaction.atomic
def report_sign(
    *,
    actor: Actor,
    report: TreatmentReport,
    version: int,
    sections: Mapping[str, Mapping[str, object]],
) -> TreatmentReport:
    """Sign the draft with its last changes. A registered therapist's report is final at
    once: rendered, its PDF stored and shared with the client. A practicum student's
    waits, unchanged, for a supervisor's co-signature."""
    locked = _lock_report(actor, report, version)
    _require_editable(actor, locked)
    locked.sections = _cleaned_sections(sections)
    locked.author = actor.person
    locked.signed_at = timezone.now()
    if _is_practicum(actor.person):
        locked.status = TreatmentReport.Status.AWAITING_COSIGNATURE
    else:
        _finalize(locked)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    access_record(
        actor=actor,
        action="sign",
        client=locked.client,
        target=locked,
        detail=f"{locked.get_kind_display()}: {locked.get_status_display()}",
    )
    return locked


@transaction.atomic
def report_cosign(*, actor: Actor, report: TreatmentReport, version: int) -> TreatmentReport:
    """A supervisor's co-signature makes a student's signed report final: rendered, its
    PDF stored and shared."""
    locked = _lock_report(actor, report, version)
    if locked.status != TreatmentReport.Status.AWAITING_COSIGNATURE:
        raise ReportError("This report is not waiting for a co-signature.")
    if locked.author_id == actor.person.pk:
        raise ReportError("You cannot co-sign your own report: your supervisor does.")
    if not actor.person.has_perm("reports.cosign_report", locked):
        raise ReportError("Only a current supervisor of the author co-signs this report.")
    locked.cosigned_by = actor.person
    locked.cosigned_at = timezone.now()
    _finalize(locked)
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    access_record(
        actor=actor,
        action="cosign",
        client=locked.client,
        target=locked,
        detail=locked.get_kind_display(),
    )
    return locked


# --- Consent and letters -------------------------------------------------------------------

NO_VALID_CONSENT = (
    "No letter was produced: the client has no valid consent to share with this person "
    "(given, not expired and not withdrawn on the letter's date). Record the consent first."
)


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    client: Client,
    recipient_name: str,
    recipient_address: str,
    scope: str,
    given_on: date,
    expires_on: date | None = None,
) -> SharingConsent:
    """Record the client's consent to share with someone outside the clinic."""
    if not actor.person.has_perm("reports.manage_consent", client):
        raise ReportError("Only the client's care team records their consents.")
    today = clinic_today(client.clinic)
    if given_on > today:
        raise ReportError(
            "Record a consent once it is given: not a date in the future.", "given_on"
        )
    if expires_on is not None and expires_on < given_on:
        raise ReportError("The consent cannot expire before it was given.", "expires_on")
    consent = SharingConsent.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        recipient_name=recipient_name.strip(),
        recipient_address=recipient_address.strip(),
        scope=scope.strip(),
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=actor.person,
    )
    access_record(
        actor=actor,
        action="create",
        client=client,
        target=consent,
        detail=f"consent to share with {consent.recipient_name}",
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: Actor, consent: SharingConsent, version: int, withdrawn_on: date | None = None
) -> SharingConsent:
    """The client withdrew the consent: from that day no letter is produced under it."""
    locked = (
        SharingConsent.objects.select_for_update(of=("self",))
        .select_related("client__clinic")
        .get(pk=consent.pk)
    )
    if locked.version != version:
        raise ReportConflict(STALE)
    if not actor.person.has_perm("reports.manage_consent", locked.client):
        raise ReportError("Only the client's care team withdraws their consents.")
    if locked.withdrawn_on is not None:
        raise ReportError("This consent was withdrawn already.")
    day = withdrawn_on or clinic_today(locked.client.clinic)
    if day < locked.given_on:
        raise ReportError("A consent cannot be withdrawn before it was given.", "withdrawn_on")
    locked.withdrawn_on = day
    locked.withdrawn_by = actor.person
    locked.version = F("version") + 1
    locked.save(update_fields=["withdrawn_on", "withdrawn_by", "version"])
    locked.refresh_from_db()
    access_record(
        actor=actor,
        action="update",
        client=locked.client,
        target=locked,
        detail=f"consent withdrawn on {day}",
    )
    return locked


def letter_context(
    *,
    course: Course,
    consent: SharingConsent,
    records: selectors.CourseRecords,
    recommendations: str,
    letter_date: date,
    author: User,
) -> dict[str, object]:
    return {
        "course": course,
        "client": course.client,
        "clinic": course.clinic,
        "consent": consent,
        "records": records,
        "recommendations": recommendations,
        "letter_date": letter_date,
        "author": author,
        "title": f"Letter about {course.client.display_name}",
    }


@transaction.atomic
def letter_sign(
    *, actor: Actor, course: Course, consent_id: int | None, recommendations: str
) -> PhysicianLetter:
    """Produce, sign and store the letter to the referring physician, only under a
    consent of this client valid on the letter's date; otherwise nothing is produced."""
    user = actor.person
    if not user.has_perm("reports.write_letter", course):
        raise ReportError("Only the client's treating therapist writes this letter.")
    if "\x00" in recommendations or len(recommendations) > SECTION_TEXT_LIMIT:
        raise ReportError(
            f"Keep the recommendations under {SECTION_TEXT_LIMIT:,} characters, "
            "without NUL characters.",
            "recommendations",
        )
    today = clinic_today(course.clinic)
    consent = (
        SharingConsent.objects.select_for_update()
        .filter(pk=consent_id or 0, client_id=course.client_id)
        .first()
    )
    if consent is None or not consent.valid_on(today):
        raise ReportError(NO_VALID_CONSENT, "consent")
    records = selectors.course_records(course)
    letter = PhysicianLetter(
        clinic_id=course.clinic_id,
        course=course,
        client=course.client,
        author=user,
        consent=consent,
        letter_date=today,
        signed_at=timezone.now(),
    )
    context = letter_context(
        course=course,
        consent=consent,
        records=records,
        recommendations=recommendations.strip(),
        letter_date=today,
        author=user,
    )
    _store(letter, template="reports/letter_body.html", context=context)
    letter.save()
    access_record(
        actor=actor,
        action="sign",
        client=course.client,
        target=letter,
        detail=f"letter to {consent.recipient_name} under consent {consent.pk}",
    )
    return letter


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


def _period(start: date, end: date, therapist_id: int | None) -> str:
    who = f", therapist {therapist_id}" if therapist_id else ""
    return f"{start.isoformat()} to {end.isoformat()}{who}"


@transaction.atomic
def outcomes_view(
    *, actor: Actor, start: date, end: date, therapist_id: int | None, what: str = "figures"
) -> None:
    """Records that `actor` read the clinic's outcome figures (or the list of courses
    behind one, which names clients) for the period."""
    access_record(
        actor=actor,
        action="read",
        client=None,
        object_type="reports.clinic_outcomes",
        detail=f"{what}, {_period(start, end, therapist_id)}",
    )


def _cell(value: str) -> str:
    # A therapist's name is typed by people: never let a spreadsheet run it as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@transaction.atomic
def outcomes_export(
    *,
    actor: Actor,
    groups: list[OutcomeGroup],
    start: date,
    end: date,
    therapist_id: int | None,
) -> str:
    """The outcome table as CSV: one row per group, each figure's numerator, denominator
    and rate (blank when nothing is counted). Audited as an export."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["split", "group", "finished courses"]
    for rule in FIGURES:
        header += [f"{rule.key} numerator", f"{rule.key} denominator", f"{rule.key} rate"]
    writer.writerow(header)
    for group in groups:
        row: list[object] = [group.dimension, _cell(group.label), group.finished]
        for figure in group.figures:
            rate = figure.rate
            row += [figure.numerator, figure.denominator, "" if rate is None else f"{rate:.4f}"]
        writer.writerow(row)
    access_record(
        actor=actor,
        action="export",
        client=None,
        object_type="reports.clinic_outcomes",
        detail=f"CSV, {_period(start, end, therapist_id)}",
    )
    return out.getvalue()
