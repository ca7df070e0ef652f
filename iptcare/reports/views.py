"""Report, letter, export and outcomes pages: thin views over services and selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from iptcare.accounts.models import User
from iptcare.audit.services import actor_from_request
from iptcare.clients.rules import acting_role
from iptcare.clients.selectors import client_get_for
from iptcare.core.access import administrator_required, staff_required, user_of
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.core.parsing import parse_id
from iptcare.courses.selectors import clinic_today, course_get_for
from iptcare.reports import forms, selectors, services
from iptcare.reports.fhir import FHIR_CONTENT_TYPE
from iptcare.reports.forms import OutcomePeriodForm
from iptcare.reports.models import FhirExport, SignedDocument, TreatmentReport
from iptcare.reports.services import ReportError

# --- Treatment reports ---------------------------------------------------------------------


def _refused(form: django_forms.Form, exc: ReportError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _pdf_response(document: SignedDocument, filename: str) -> HttpResponse:
    """The PDF exactly as stored at signing."""
    response = HttpResponse(bytes(document.pdf or b""), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-SHA256"] = document.sha256
    return response


@login_required
def course_reports(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    """A course's reports and letters; the treating therapist starts a report here."""
    actor = actor_from_request(request)
    course = course_get_for(actor=actor, pk=course_id)
    may_write = request.user.has_perm("reports.start_report", course)
    form = forms.ReportStartForm(request.POST or None)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.report_start(
                    actor=actor.as_role("therapist"), course=course, kind=form.cleaned_data["kind"]
                )
            except ReportError as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"{report.get_kind_display()} drafted from the records.")
                return redirect("reports:treatment_report", report_id=report.pk)
    return render(
        request,
        "reports/treatment_course.html",
        {
            "course": course,
            "client": course.client,
            "reports": selectors.reports_of_course(course),
            "letters": list(selectors.letters_of_course(course)),
            "form": form if may_write else None,
            "may_write_letter": request.user.has_perm("reports.write_letter", course),
            "may_manage_consents": request.user.has_perm("reports.manage_consent", course.client),
        },
    )


def _report_body(report: TreatmentReport) -> SafeString:
    """As signed once stored; until then rendered live from the records, by the same
    template the PDF is made from."""
    if report.signed_html:
        return services.stored_body(report)
    records = selectors.course_records(report.course)
    body = render_to_string("reports/treatment_body.html", services.report_context(report, records))
    return mark_safe(body)  # noqa: S308  # rendered with autoescape just now


@login_required
def treatment_report(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    """A report: the draft's sections and text beside its preview, or the signed report."""
    actor = actor_from_request(request)
    report = selectors.report_get_for(actor=actor, pk=report_id)
    user = request.user
    editable = user.has_perm("reports.edit_report", report)
    form = forms.ReportForm(request.POST or None, report=report) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            signing = "sign" in request.POST
            act = services.report_sign if signing else services.report_save
            try:
                report = act(
                    actor=actor.as_role("therapist"),
                    report=report,
                    version=form.cleaned_data["version"],
                    sections=form.sections(),
                )
            except ReportError as exc:
                _refused(form, exc)
            else:
                if not signing:
                    messages.success(request, "Draft saved.")
                elif report.status == TreatmentReport.Status.FINAL:
                    messages.success(
                        request, "Signed: the report is stored and shared with the client."
                    )
                else:
                    messages.success(
                        request, "Signed: it waits for your supervisor's co-signature."
                    )
                return redirect("reports:treatment_report", report_id=report.pk)
    cosign = user.has_perm("reports.cosign_report", report)
    return render(
        request,
        "reports/treatment_report.html",
        {
            "report": report,
            "course": report.course,
            "client": report.client,
            "form": form,
            "body": _report_body(report),
            "cosign_form": forms.ReportCosignForm(initial={"version": report.version})
            if cosign
            else None,
        },
    )


@login_required
@require_POST
def treatment_cosign(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    report = selectors.report_get_for(actor=actor, pk=report_id)
    if not request.user.has_perm("reports.cosign_report", report):
        raise PermissionDenied
    form = forms.ReportCosignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the report and co-sign again: nothing was signed.")
        return redirect("reports:treatment_report", report_id=report.pk)
    try:
        services.report_cosign(
            actor=actor.as_role("supervisor"), report=report, version=form.cleaned_data["version"]
        )
    except ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Co-signed: the report is stored and shared with the client.")
    return redirect("reports:treatment_report", report_id=report.pk)


@login_required
def treatment_pdf(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    """The final report's stored PDF, for the care team and the client (their own)."""
    report = selectors.report_get_for(
        actor=actor_from_request(request),
        pk=report_id,
        perm="reports.download_report",
        action="export",
    )
    return _pdf_response(report, f"{report.kind.replace('_', '-')}-report-{report.pk}.pdf")


# --- Consent and letters -------------------------------------------------------------------


@login_required
def consents(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    """The client's consents to share: recorded and withdrawn by the care team."""
    actor = actor_from_request(request)
    client = client_get_for(actor=actor, pk=client_id, perm="reports.manage_consent")
    form = forms.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                actor=actor.as_role(acting_role(request.user, client)),
                client=client,
                **form.cleaned_data,
            )
        except ReportError as exc:
            _refused(form, exc)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("reports:consents", client_id=client.pk)
    today = clinic_today(client.clinic)
    rows = [(c, c.valid_on(today)) for c in selectors.consents_of_client(client)]
    return render(
        request,
        "reports/letter_consents.html",
        {"client": client, "form": form, "rows": rows, "today": today},
    )


@login_required
@require_POST
def consent_withdraw(request: AuthenticatedHttpRequest, consent_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    consent = selectors.consent_get_for(actor=actor, pk=consent_id)
    form = forms.ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and withdraw again: nothing was changed.")
    else:
        try:
            services.consent_withdraw(
                actor=actor.as_role(acting_role(request.user, consent.client)),
                consent=consent,
                version=form.cleaned_data["version"],
            )
        except ReportError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Consent withdrawn: no letter is produced under it any more.")
    return redirect("reports:consents", client_id=consent.client_id)


@login_required
def letter_new(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    """The letter to the referring physician: produced only under a valid consent."""
    actor = actor_from_request(request)
    course = course_get_for(actor=actor, pk=course_id)
    if not request.user.has_perm("reports.write_letter", course):
        raise PermissionDenied
    client = course.client
    today = clinic_today(course.clinic)
    all_consents = selectors.consents_of_client(client)
    valid = [c for c in all_consents if c.valid_on(today)]
    records = selectors.course_records(course)
    form = forms.LetterForm(
        request.POST or None,
        consents=all_consents,
        valid_ids={c.pk for c in valid},
        initial={
            "recommendations": records.recommendation,
            "consent": valid[0].pk if valid else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_sign(
                actor=actor.as_role("therapist"),
                course=course,
                consent_id=form.cleaned_data["consent"],
                recommendations=form.cleaned_data["recommendations"],
            )
        except ReportError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request, f"Letter to {letter.consent.recipient_name} signed and stored."
            )
            return redirect("reports:course_reports", course_id=course.pk)
    preview = None
    if valid:
        preview = mark_safe(  # noqa: S308  # rendered with autoescape just now
            render_to_string(
                "reports/letter_body.html",
                services.letter_context(
                    course=course,
                    consent=valid[0],
                    records=records,
                    recommendations=records.recommendation,
                    letter_date=today,
                    author=request.user,
                ),
            )
        )
    return render(
        request,
        "reports/letter_new.html",
        {
            "course": course,
            "client": client,
            "form": form,
            "valid": valid,
            "has_consents": bool(all_consents),
            "preview": preview,
            "no_valid_consent": services.NO_VALID_CONSENT,
        },
    )


@login_required
def letter_pdf(request: AuthenticatedHttpRequest, letter_id: int) -> HttpResponse:
    letter = selectors.letter_get_for(
        actor=actor_from_request(request), pk=letter_id, action="export"
    )
    return _pdf_response(letter, f"letter-{letter.pk}.pdf")


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


COURSES_PER_PAGE = 50


def _outcomes_viewer(request: AuthenticatedHttpRequest) -> User:
    viewer = user_of(request)
    if not viewer.has_perm("reports.view_clinic_outcomes"):
        raise PermissionDenied
    return viewer


def _period_form(request: AuthenticatedHttpRequest, viewer: User) -> OutcomePeriodForm:
    today = clinic_today(viewer.home_clinic)
    # Without a period asked for, the last twelve months up to the clinic's today.
    data = {"start": (today - timedelta(days=365)).isoformat(), "end": today.isoformat()}
    data.update({k: request.GET[k] for k in ("start", "end", "therapist") if k in request.GET})
    return OutcomePeriodForm(data, therapists=selectors.therapists_to_choose(viewer), today=today)


@dataclass(frozen=True)
class _Period:
    start: date
    end: date
    therapist: User | None

    @property
    def query(self) -> dict[str, str]:
        asked = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.therapist is not None:
            asked["therapist"] = str(self.therapist.pk)
        return asked


def _period(form: OutcomePeriodForm) -> _Period | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return _Period(data["start"], data["end"], data.get("therapist"))


@dataclass(frozen=True)
class _Cell:
    figure: selectors.Figure
    href: str


@dataclass(frozen=True)
class _Row:
    group: selectors.OutcomeGroup
    cells: list[_Cell]


@dataclass(frozen=True)
class _Bar:
    label: str
    percent: int
    text: str
    y: int


@dataclass(frozen=True)
class _Chart:
    title: str
    bars: list[_Bar]

    @property
    def height(self) -> int:
        return 24 * len(self.bars)


def _bars(title: str, items: list[tuple[str, selectors.Figure]]) -> _Chart:
    """Horizontal bars of an SVG 24 px apart: the label, its rate and its counts."""
    return _Chart(
        title,
        [
            _Bar(
                label,
                figure.percent or 0,
                f"{figure.percent}% ({figure.numerator} of {figure.denominator})"
                if figure.percent is not None
                else "nothing to count",
                24 * i,
            )
            for i, (label, figure) in enumerate(items)
        ],
    )


@staff_required
def clinic_outcomes(request: AuthenticatedHttpRequest) -> HttpResponse:
    viewer = _outcomes_viewer(request)
    form = _period_form(request, viewer)
    period = _period(form)
    sections: list[tuple[str, list[_Row], _Chart]] = []
    overall: _Row | None = None
    overall_chart: _Chart | None = None
    query = ""
    if period is not None:
        groups = selectors.clinic_outcomes(
            viewer=viewer, start=period.start, end=period.end, therapist=period.therapist
        )
        services.outcomes_view(
            actor=actor_from_request(request),
            start=period.start,
            end=period.end,
            therapist_id=period.therapist.pk if period.therapist else None,
        )
        query = urlencode(period.query)
        courses_url = reverse("reports:outcome_courses")
        rows = [
            _Row(
                group,
                [
                    _Cell(
                        figure,
                        f"{courses_url}?"
                        + urlencode(
                            {
                                **period.query,
                                "figure": figure.key,
                                "dimension": group.dimension,
                                "key": group.key,
                            }
                        ),
                    )
                    for figure in group.figures
                ],
            )
            for group in groups
        ]
        overall = rows[0]
        overall_chart = _bars(
            "Each figure of the period, in percent", [(f.label, f) for f in groups[0].figures]
        )
        for dimension, title in selectors.DIMENSIONS.items():
            if dimension == "all":
                continue
            in_it = [row for row in rows if row.group.dimension == dimension]
            bars = _bars(
                f"Recovery rate, {title.lower()}, in percent",
                [(row.group.label, row.group.figure("recovery")) for row in in_it],
            )
            sections.append((title, in_it, bars))
    return render(
        request,
        "reports/outcomes_page.html",
        {
            "form": form,
            "period": period,
            "overall": overall,
            "overall_chart": overall_chart,
            "sections": sections,
            "figure_rules": selectors.FIGURES,
            "query": query,
        },
    )


@staff_required
def clinic_outcomes_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    viewer = _outcomes_viewer(request)
    form = _period_form(request, viewer)
    period = _period(form)
    if period is None:
        # The page says what is wrong beside the field; the file would say nothing.
        return clinic_outcomes(request)
    groups = selectors.clinic_outcomes(
        viewer=viewer, start=period.start, end=period.end, therapist=period.therapist
    )
    data = services.outcomes_export(
        actor=actor_from_request(request),
        groups=groups,
        start=period.start,
        end=period.end,
        therapist_id=period.therapist.pk if period.therapist else None,
    )
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    name = f"clinic-outcomes-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
def outcome_courses(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The courses behind one figure of one group: its denominator, each marked when it
    is counted in the numerator; a course links to its page only for those who may open
    it."""
    viewer = _outcomes_viewer(request)
    figure = request.GET.get("figure", "recovery")
    dimension = request.GET.get("dimension", "all")
    key = request.GET.get("key", "all")
    if figure not in selectors.FIGURE_RULES:
        raise Http404
    form = _period_form(request, viewer)
    period = _period(form)
    page = None
    items: list[tuple[object, bool, bool]] = []
    group_label = ""
    if period is not None:
        courses = selectors.outcome_courses(
            viewer=viewer, start=period.start, end=period.end, therapist=period.therapist
        )
        where = selectors.group_filter(dimension, key)
        if where is None:
            raise Http404
        group_label = selectors.group_label(viewer, dimension, key)
        behind = selectors.courses_behind(courses, figure=figure, where=where)
        page = Paginator(behind, COURSES_PER_PAGE).get_page(request.GET.get("page"))
        services.outcomes_view(
            actor=actor_from_request(request),
            start=period.start,
            end=period.end,
            therapist_id=period.therapist.pk if period.therapist else None,
            what=f"courses behind {figure} ({dimension} {key})"[:120],
        )
        # Bounded by the page's 50 rows, not by the number of courses.
        items = [
            (course, course.counted, viewer.has_perm("courses.view_course", course))  # type: ignore[attr-defined]  # annotated by courses_behind
            for course in page
        ]
    return render(
        request,
        "reports/outcomes_courses.html",
        {
            "form": form,
            "period": period,
            "rule": selectors.FIGURE_RULES[figure],
            "hidden": [("figure", figure), ("dimension", dimension), ("key", key)],
            "group_label": group_label,
            "page": page,
            "items": items,
            "back": reverse("reports:clinic_outcomes")
            + (f"?{urlencode(period.query)}" if period else ""),
            "page_query": urlencode(
                {
                    **(period.query if period else {}),
                    "figure": figure,
                    "dimension": dimension,
                    "key": key,
                }
            ),
        },
    )
