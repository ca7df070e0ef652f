from __future__ import annotations

import base64
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_GET, require_POST

from iptcare.audit.services import actor_from_request
from iptcare.clients.selectors import client_get_for, own_record_for
from iptcare.core.access import administrator_required, client_required
from iptcare.core.addresses import client_address
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.courses.selectors import current_courses_for_clients
from iptcare.intake import selectors, services
from iptcare.intake.colours import darker
from iptcare.intake.forms import (
    ConvertForm,
    IntakeForm,
    NoteForm,
    PublicSiteForm,
    ReflectionForm,
    StatusForm,
)
from iptcare.intake.models import IntakeRequest, PublicSite
from iptcare.overview.selectors import course_header_for
from iptcare.scheduling.selectors import PublicFee

FOCUS_AREAS = [
    ("grief", "Grief", "focus_grief"),
    ("role_dispute", "Role disputes", "focus_role_dispute"),
    ("role_transition", "Role transitions", "focus_role_transition"),
]

# --- Public pages -----------------------------------------------------------------------


def _public(
    request: HttpRequest,
    template: str,
    context: dict[str, object] | None = None,
    site: PublicSite | None = None,
    status: int = 200,
) -> HttpResponse:
    if site is None:
        site = selectors.public_site_for(selectors.public_clinic(request))
    base = {
        "site": site,
        "clinic": site.clinic,
        "book_url": selectors.booking_url(),
        "public_nav": [
            ("intake:root", "Home"),
            ("intake:about", "About IPT"),
            ("intake:therapists", "Therapists"),
            ("intake:fees", "Fees"),
            ("intake:contact", "Contact"),
        ],
    }
    return render(request, template, base | (context or {}), status=status)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _public(request, "intake/public/home.html")


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    site = selectors.public_site_for(selectors.public_clinic(request))
    areas = [(code, label, getattr(site, field)) for code, label, field in FOCUS_AREAS]
    areas.append(("interpersonal_deficits", site.clinic.fourth_focus_area_label, site.focus_fourth))
    return _public(request, "intake/public/about.html", {"focus_areas": areas}, site=site)


@require_GET
def therapists(request: HttpRequest) -> HttpResponse:
    clinic = selectors.public_clinic(request)
    fees: dict[int, list[PublicFee]] = {}
    for fee in selectors.public_fees(clinic):
        fees.setdefault(fee.therapist.pk, []).append(fee)
    rows = [(t, fees.get(t.user_id, [])) for t in selectors.public_therapists(clinic)]
    return _public(request, "intake/public/therapists.html", {"therapists": rows})


@require_GET
def fees(request: HttpRequest) -> HttpResponse:
    clinic = selectors.public_clinic(request)
    return _public(request, "intake/public/fees.html", {"fees": selectors.public_fees(clinic)})


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    return _public(request, "intake/public/contact.html")


def request_form(request: HttpRequest) -> HttpResponse:
    site = selectors.public_site_for(selectors.public_clinic(request))
    today = timezone.localdate(timezone=ZoneInfo(site.clinic.time_zone))
    form = IntakeForm(request.POST or None, today=today)
    if request.method == "POST":
        if form.is_spam:
            # Bots get the same answer as people, so they learn nothing; nothing is stored.
            return redirect("intake:request_thanks")
        if form.is_valid():
            try:
                services.intake_submit(
                    clinic=site.clinic,
                    ip=client_address(request),
                    **form.request_fields(),  # type: ignore[arg-type]  # the form's cleaned values, which the service checks again
                )
            except services.IntakeError as exc:
                form.add_error(None, str(exc))
            else:
                request.session["intake_contact"] = form.cleaned_data["preferred_contact"]
                return redirect("intake:request_thanks")
    return _public(
        request,
        "intake/public/request.html",
        {"form": form},
        site=site,
        status=400 if form.errors else 200,
    )


@require_GET
def request_thanks(request: HttpRequest) -> HttpResponse:
    method = request.session.get("intake_contact", "")
    label = dict(IntakeRequest.ContactMethod.choices).get(method, "")
    return _public(request, "intake/public/thanks.html", {"contact_label": label.lower()})


@require_GET
def theme_css(request: HttpRequest) -> HttpResponse:
    """The clinic's colour as CSS custom properties (a stylesheet, because the CSP
    forbids inline styles)."""
    site = selectors.public_site_for(selectors.public_clinic(request))
    colour = site.primary_colour
    css = f":root {{ --primary: {colour}; --primary-dark: {darker(colour)}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def logo(request: HttpRequest) -> HttpResponse:
    site = selectors.public_site_for(selectors.public_clinic(request))
    if not site.has_logo:
        raise Http404
    response = HttpResponse(bytes(site.logo or b""), content_type=site.logo_content_type)
    # An SVG opened on its own must not run anything, whatever slipped past the checks.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=300"
    response["ETag"] = quote_etag(str(int(site.updated_at.timestamp())))
    response["Last-Modified"] = http_date(site.updated_at.timestamp())
    return response


# --- Administrators: the intake queue and the public site --------------------------------


def _request_for(request: HttpRequest, request_id: int) -> IntakeRequest:
    return selectors.intake_request_get_for(
        actor=actor_from_request(request, "administrator"), pk=request_id
    )


@administrator_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    clinic_id = request.user.home_clinic_id
    status = request.GET.get("status", "")
    if status not in IntakeRequest.Status.values:
        status = ""
    page = Paginator(selectors.intake_queue(clinic_id, status), 50).get_page(
        request.GET.get("page")
    )
    if page.object_list:
        selectors.intake_queue_read(
            actor=actor_from_request(request, "administrator"), shown=list(page.object_list)
        )
    counts = selectors.intake_counts(clinic_id)
    tabs = [("", "All", sum(counts.values()))] + [
        (value, label, counts[value]) for value, label in IntakeRequest.Status.choices
    ]
    return render(request, "intake/queue.html", {"page": page, "status": status, "tabs": tabs})


def _detail(
    request: HttpRequest,
    intake: IntakeRequest,
    *,
    status_form: StatusForm | None = None,
    note_form: NoteForm | None = None,
    code: int = 200,
) -> HttpResponse:
    allowed = [
        (value, IntakeRequest.Status(value).label)
        for value, _ in IntakeRequest.Status.choices
        if value in services.TRANSITIONS[intake.status]
    ]
    return render(
        request,
        "intake/request_detail.html",
        {
            "intake": intake,
            "status_form": status_form or StatusForm(allowed=allowed),
            "note_form": note_form or NoteForm(),
            "can_convert": intake.client_id is None and intake.status in services.CONVERTIBLE,
        },
        status=code,
    )


@administrator_required
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    return _detail(request, _request_for(request, request_id))


@login_required
@require_POST
@administrator_required
def request_status(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    intake = _request_for(request, request_id)
    allowed = [(v, IntakeRequest.Status(v).label) for v in services.TRANSITIONS[intake.status]]
    form = StatusForm(request.POST, allowed=allowed)
    if form.is_valid():
        try:
            services.intake_status_change(
                actor=actor_from_request(request, "administrator"),
                request=intake,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
            )
        except services.IntakeError as exc:
            form.add_error("to_status", str(exc))
        else:
            messages.success(request, "Status changed.")
            return redirect("intake:request_detail", request_id=intake.pk)
    return _detail(request, intake, status_form=form, code=400)


@login_required
@require_POST
@administrator_required
def request_note(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    intake = _request_for(request, request_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.intake_note_add(
                actor=actor_from_request(request, "administrator"),
                request=intake,
                note=form.cleaned_data["note"],
            )
        except services.IntakeError as exc:
            form.add_error("note", str(exc))
        else:
            messages.success(request, "Note added.")
            return redirect("intake:request_detail", request_id=intake.pk)
    return _detail(request, intake, note_form=form, code=400)


@administrator_required
def request_convert(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    intake = _request_for(request, request_id)
    if intake.client_id is not None:
        messages.info(request, "A client has already been created from this request.")
        return redirect("clients:detail", pk=intake.client_id)
    form = ConvertForm(
        request.POST or None,
        clinic_id=intake.clinic_id,
        initial={
            "legal_name": intake.full_name,
            "date_of_birth": intake.date_of_birth,
            "invite": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            client = services.intake_convert(
                actor=actor_from_request(request, "administrator"),
                request=intake,
                legal_name=form.cleaned_data["legal_name"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                therapists=list(form.cleaned_data["therapists"]),
                invite=form.cleaned_data["invite"],
            )
        except services.IntakeError as exc:
            form.add_error(None, str(exc))
        else:
            sent = " and invited to the portal" if form.cleaned_data["invite"] else ""
            messages.success(
                request, f"{client.legal_name} added as client {client.chart_number}{sent}."
            )
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "intake/convert.html",
        {"intake": intake, "form": form},
        status=400 if form.errors else 200,
    )


@administrator_required
def site_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    clinic = request.user.home_clinic
    site = selectors.public_site_for(clinic)
    form = PublicSiteForm(
        request.POST or None,
        request.FILES or None,
        instance=site,
        fourth_label=clinic.fourth_focus_area_label,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        logo_bytes = data.pop("logo_file")
        remove = data.pop("remove_logo")
        try:
            services.public_site_update(
                actor=actor_from_request(request, "administrator"),
                clinic=clinic,
                logo=logo_bytes,
                remove_logo=remove,
                **data,
            )
        except services.LogoError as exc:
            form.add_error("logo_file", str(exc))
        else:
            messages.success(request, "Public pages saved.")
            return redirect("intake:site_edit")
    site = selectors.public_site_for(clinic)
    logo_data_uri = (
        f"data:{site.logo_content_type};base64,{base64.b64encode(bytes(site.logo or b'')).decode()}"
        if site.has_logo
        else ""
    )
    return render(
        request,
        "intake/site_edit.html",
        {"form": form, "site": site, "logo_data_uri": logo_data_uri},
        status=400 if form.errors else 200,
    )


# --- Self-reflection --------------------------------------------------------------------


@client_required
def my_reflection(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The client's pre-treatment self-reflection, saved on every change (htmx) or on submit."""
    actor = actor_from_request(request, "client")
    client = own_record_for(actor=actor)
    reflection = selectors.reflection_for(client)
    if request.method == "POST":
        form = ReflectionForm(request.POST)
        if form.is_valid():
            finished = "finish" in request.POST
            reflection = services.reflection_save(
                actor=actor,
                client=client,
                finished=finished,
                **form.answers(),  # type: ignore[arg-type]  # the form's cleaned values, which the service checks again
            )
            if request.htmx:  # type: ignore[attr-defined]  # set by django-htmx's HtmxMiddleware
                return render(request, "intake/_saved.html", {"reflection": reflection})
            if finished:
                messages.success(
                    request, "Thank you. Your therapist will read this before your first session."
                )
                return redirect("portal:home")
            messages.success(request, "Saved. You can come back and finish it later.")
            return redirect("intake:my_reflection")
        if request.htmx:  # type: ignore[attr-defined]  # set by django-htmx's HtmxMiddleware
            return render(request, "intake/_saved.html", {"form": form}, status=400)
    else:
        form = ReflectionForm(initial=ReflectionForm.initial_from(reflection))
    return render(
        request,
        "intake/my_reflection.html",
        {"form": form, "reflection": reflection, "client": client},
        status=400 if form.errors else 200,
    )


@login_required
def reflection_detail(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    """The care team reads the client's self-reflection (initial phase)."""
    actor = actor_from_request(request)
    visible = client_get_for(actor=actor, pk=client_id)
    if not request.user.has_perm("clients.view_clinical", visible):
        if request.user.has_perm("clients.break_glass", visible):
            return redirect("clients:break_glass", pk=client_id)
        raise PermissionDenied
    client = client_get_for(actor=actor, pk=client_id, perm="clients.view_clinical")
    course = current_courses_for_clients([client.pk]).get(client.pk)
    return render(
        request,
        "intake/reflection_detail.html",
        {
            "client": client,
            "reflection": selectors.reflection_for(client),
            "course": course,
            "header": course_header_for(course) if course else None,
        },
    )
