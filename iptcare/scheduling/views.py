"""Booking pages: public (new people), portal (clients, own records only) and staff."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from iptcare.accounts.models import User
from iptcare.audit.services import actor_from_request
from iptcare.clients.models import Client
from iptcare.clients.selectors import client_get_for, clients_visible_to, own_record_for
from iptcare.clinic.models import Clinic
from iptcare.core import dates
from iptcare.core.access import (
    administrator_required,
    client_required,
    role_required,
    staff_required,
    therapist_required,
    user_of,
)
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.core.parsing import parse_id
from iptcare.scheduling import selectors, services
from iptcare.scheduling.calendars import appointment_ics, therapist_feed_ics
from iptcare.scheduling.forms import (
    AvailabilityForm,
    CancelForm,
    FeeForm,
    MarkForm,
    PaymentForm,
    PublicBookingForm,
    RescheduleForm,
    SettingsForm,
    SlotBookingForm,
    StaffCancelForm,
    TimeOffForm,
)
from iptcare.scheduling.kinds import KINDS
from iptcare.scheduling.models import (
    Appointment,
    AvailabilityException,
    CalendarFeed,
    WeeklyAvailability,
)
from iptcare.scheduling.receipts import receipt_export
from iptcare.scheduling.rules import books_and_keeps_hours, is_inside_notice_period
from iptcare.scheduling.selectors import Slot

DAYS_SHOWN = 7
BOOKING_WEEKS_AHEAD = 26


# --- Helpers ----------------------------------------------------------------------------


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    clinic: Clinic,
    status: int = 200,
) -> HttpResponse:
    """Render with times shown in the clinic's time zone (they are stored in UTC)."""
    with timezone.override(selectors.zone_of(clinic)):
        return render(
            request,
            template,
            {"clinic_zone": dates.zone_city(clinic.time_zone), **context},
            status=status,
        )


def _int_param(request: HttpRequest, name: str) -> int | None:
    return parse_id(request.GET.get(name) or request.POST.get(name))


def _local_today(clinic: Clinic) -> date:
    return timezone.now().astimezone(selectors.zone_of(clinic)).date()


def _first_day(request: HttpRequest, clinic: Clinic, *, monday: bool = False) -> date:
    """The first day shown, from ?week=YYYY-MM-DD; today (or this Monday) when missing or odd."""
    today = _local_today(clinic)
    default = today - timedelta(days=today.weekday()) if monday else today
    try:
        chosen = date.fromisoformat(request.GET.get("week", "")[:10])
    except ValueError:
        return default
    if monday:
        chosen -= timedelta(days=chosen.weekday())
        low, high = today - timedelta(weeks=104), today + timedelta(weeks=BOOKING_WEEKS_AHEAD)
    else:
        low, high = today, today + timedelta(weeks=BOOKING_WEEKS_AHEAD)
    return min(max(chosen, low), high)


def _days(slots: Iterable[Slot], clinic: Clinic) -> list[tuple[date, list[Slot]]]:
    tz = selectors.zone_of(clinic)
    return [
        (day, list(group))
        for day, group in groupby(slots, key=lambda s: s.starts_at.astimezone(tz).date())
    ]


def _week_nav(first: date, today: date, step: int = DAYS_SHOWN) -> dict[str, object]:
    before = first - timedelta(days=step)
    return {
        "first_day": first,
        "last_day": first + timedelta(days=step - 1),
        "previous_week": before.isoformat() if first > today else None,
        "next_week": (first + timedelta(days=step)).isoformat(),
    }


def _query(**params: str | int | None) -> str:
    """The query string that keeps a page's choices when moving between weeks."""
    return urlencode({k: v for k, v in params.items() if v is not None and v != ""})


def _apply_error(form: BaseForm, exc: services.SchedulingError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public booking (no login) ----------------------------------------------------------


def _public_context(request: HttpRequest) -> tuple[Clinic, dict[str, object]]:
    """The public site's frame (owned by the intake app), so booking looks like the rest."""
    from iptcare.intake import selectors as public

    clinic = public.public_clinic(request)
    return clinic, {
        "site": public.public_site_for(clinic),
        "clinic": clinic,
        "book_url": reverse("scheduling:public_book"),
        "public_nav": [
            ("intake:root", "Home"),
            ("intake:about", "About IPT"),
            ("intake:therapists", "Therapists"),
            ("intake:fees", "Fees"),
            ("intake:contact", "Contact"),
        ],
    }


def public_book(request: HttpRequest) -> HttpResponse:
    """A new person picks a therapist and a consultation time and leaves their details."""
    clinic, frame = _public_context(request)
    therapists = list(selectors.therapists_for_public(clinic))
    chosen_id = _int_param(request, "therapist")
    therapist = next((t for t in therapists if t.pk == chosen_id), None)
    fees = {f.therapist.pk: f for f in selectors.public_fees(clinic) if f.kind == "consultation"}
    context: dict[str, object] = {
        **frame,
        "therapists": [(t, fees.get(t.pk)) for t in therapists],
        "therapist": therapist,
        "kind": KINDS["consultation"],
    }
    if therapist is None:
        return _render(request, "scheduling/public_book.html", context, clinic)
    form = PublicBookingForm(request.POST or None)
    if request.method == "POST":
        if form.is_spam:
            # Bots get the same answer as people and nothing is stored.
            return redirect("scheduling:public_book_sent")
        if form.is_valid():
            try:
                services.consultation_request(
                    actor=actor_from_request(request, "public"),
                    clinic=clinic,
                    therapist=therapist,
                    starts_at=form.cleaned_data["starts_at"],
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                )
            except services.SchedulingError as exc:
                _apply_error(form, exc)
            else:
                return redirect("scheduling:public_book_sent")
    config = selectors.scheduling_settings_for(clinic)
    first = _first_day(request, clinic)
    slots = selectors.free_slots(
        therapist,
        clinic=clinic,
        kind="consultation",
        first=first,
        days=DAYS_SHOWN,
        not_before=timezone.now() + timedelta(hours=config.notice_hours),
    )
    context |= {
        "form": form,
        "days": _days(slots, clinic),
        "chosen_slot": request.POST.get("starts_at", ""),
        "week_query": _query(therapist=therapist.pk),
        **_week_nav(first, _local_today(clinic)),
    }
    return _render(request, "scheduling/public_book.html", context, clinic)


@require_GET
def public_book_sent(request: HttpRequest) -> HttpResponse:
    clinic, frame = _public_context(request)
    hours = int(services.PENDING_HOLD.total_seconds() // 3600)
    return _render(request, "scheduling/public_sent.html", {**frame, "hold_hours": hours}, clinic)


def public_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. GET only shows the booking (mail scanners open links); the button
    POSTs the confirmation."""
    appointment = services.consultation_for_token(token)
    if appointment is None:
        clinic, frame = _public_context(request)
        invalid = {**frame, "problem": "This confirmation link is not valid."}
        return _render(request, "scheduling/public_confirm.html", invalid, clinic, status=410)
    clinic = appointment.clinic
    _, frame = _public_context(request)
    frame["clinic"] = clinic
    context: dict[str, object] = {**frame, "appointment": appointment}
    if request.method == "POST":
        try:
            services.consultation_confirm(token=token)
        except services.SchedulingError as exc:
            context["problem"] = str(exc)
            return _render(request, "scheduling/public_confirm.html", context, clinic, status=410)
        appointment.refresh_from_db()
        context["confirmed"] = True
        return _render(request, "scheduling/public_confirm.html", context, clinic)
    if appointment.status == Appointment.Status.BOOKED:
        context["confirmed"] = True
    elif appointment.status != Appointment.Status.PENDING or (
        appointment.hold_expires_at and appointment.hold_expires_at <= timezone.now()
    ):
        context["problem"] = "This link has expired and the time was released. Please book again."
        return _render(request, "scheduling/public_confirm.html", context, clinic, status=410)
    return _render(request, "scheduling/public_confirm.html", context, clinic)


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A therapist's private calendar feed, for calendar apps (no login; the token is the key)."""
    therapist = services.feed_therapist_for_token(token)
    if therapist is None:
        raise Http404
    now = timezone.now()
    appointments = (
        Appointment.objects.filter(
            therapist=therapist,
            status__in=Appointment.HOLDING,
            starts_at__gte=now - timedelta(days=30),
            starts_at__lte=now + timedelta(days=180),
        )
        .select_related("client", "clinic", "therapist")
        .order_by("starts_at")
    )
    content = therapist_feed_ics(appointments, name=f"IPTCare · {therapist.full_name}")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Client portal (own records only) ---------------------------------------------------


def _own_client(request: HttpRequest) -> Client:
    return own_record_for(actor=actor_from_request(request, "client"))


def _own_appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    return selectors.own_appointment_get(
        actor=actor_from_request(request, "client"), pk=appointment_id
    )


@login_required
@require_GET
@client_required
def my_appointments(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = _own_client(request)
    upcoming, past = selectors.portal_appointments(client)
    config = selectors.scheduling_settings_for(client.clinic)
    return _render(
        request,
        "scheduling/my_appointments.html",
        {"client": client, "upcoming": upcoming, "past": past, "notice_hours": config.notice_hours},
        client.clinic,
    )


def _slot_page_context(
    request: HttpRequest,
    *,
    clinic: Clinic,
    therapist: User | None,
    kind: str,
    not_before: datetime,
) -> dict[str, object]:
    first = _first_day(request, clinic)
    slots = (
        selectors.free_slots(
            therapist, clinic=clinic, kind=kind, first=first, days=DAYS_SHOWN, not_before=not_before
        )
        if therapist is not None and kind in KINDS
        else []
    )
    return {
        "days": _days(slots, clinic),
        "chosen_slot": request.POST.get("starts_at", ""),
        **_week_nav(first, _local_today(clinic)),
    }


def _chosen(options: QuerySet[User], request: HttpRequest) -> User | None:
    chosen_id = _int_param(request, "therapist")
    found = options.filter(pk=chosen_id).first() if chosen_id else None
    return found or options.first()


@client_required
def my_book(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = _own_client(request)
    therapists = client.therapists.filter(is_active=True).select_related("therapist_profile")
    therapist = _chosen(therapists, request)
    kind = request.POST.get("kind") or request.GET.get("kind") or "session"
    form = SlotBookingForm(
        request.POST or None,
        therapists=therapists,
        channel="portal",
        initial={"therapist": therapist, "kind": kind},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_book(
                actor=actor_from_request(request, "client"),
                client=client,
                therapist=form.cleaned_data["therapist"],
                kind=form.cleaned_data["kind"],
                starts_at=form.cleaned_data["starts_at"],
                by_client=True,
            )
        except services.SchedulingError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Booked. A confirmation with a calendar file is on its way.")
            return redirect("scheduling:my_appointments")
    config = selectors.scheduling_settings_for(client.clinic)
    context = {
        "client": client,
        "form": form,
        "therapist": therapist,
        "kind": kind,
        "kinds": form.fields["kind"].choices,  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field
        "therapists": therapists,
        "notice_hours": config.notice_hours,
        "week_query": _query(therapist=therapist.pk if therapist else None, kind=kind),
        **_slot_page_context(
            request,
            clinic=client.clinic,
            therapist=therapist,
            kind=kind,
            not_before=timezone.now() + timedelta(hours=config.notice_hours),
        ),
    }
    return _render(request, "scheduling/my_book.html", context, client.clinic)


@client_required
def my_cancel(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _own_appointment(request, appointment_id)
    clinic = appointment.clinic
    config = selectors.scheduling_settings_for(clinic)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = services.appointment_cancel(
                actor=actor_from_request(request, "client"),
                appointment=appointment,
                by_client=True,
                reason=form.cleaned_data["reason"],
            )
        except services.SchedulingError as exc:
            _apply_error(form, exc)
        else:
            if cancelled.status == Appointment.Status.LATE_CANCELLED:
                messages.warning(
                    request, "Cancelled. It was inside the notice period, so it is charged."
                )
            else:
                messages.success(request, "Cancelled. Nothing is charged.")
            return redirect("scheduling:my_appointments")
    late = is_inside_notice_period(appointment, notice_hours=config.notice_hours)
    fee, _ = selectors.fee_amount(appointment.therapist, appointment.kind)
    return _render(
        request,
        "scheduling/my_cancel.html",
        {
            "appointment": appointment,
            "form": form,
            "late": late,
            "fee": fee,
            "notice_hours": config.notice_hours,
            "can_cancel": appointment.is_upcoming,
        },
        clinic,
    )


@client_required
def my_reschedule(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _own_appointment(request, appointment_id)
    clinic = appointment.clinic
    config = selectors.scheduling_settings_for(clinic)
    form = RescheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_reschedule(
                actor=actor_from_request(request, "client"),
                appointment=appointment,
                starts_at=form.cleaned_data["starts_at"],
                by_client=True,
            )
        except services.SchedulingError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Moved. A new confirmation is on its way.")
            return redirect("scheduling:my_appointments")
    too_late = is_inside_notice_period(appointment, notice_hours=config.notice_hours)
    context = {
        "appointment": appointment,
        "form": form,
        "too_late": too_late,
        "can_move": appointment.is_upcoming and not too_late,
        "notice_hours": config.notice_hours,
        "week_query": "",
        **_slot_page_context(
            request,
            clinic=clinic,
            therapist=appointment.therapist,
            kind=appointment.kind,
            not_before=timezone.now() + timedelta(hours=config.notice_hours),
        ),
    }
    return _render(request, "scheduling/my_reschedule.html", context, clinic)


@login_required
@require_GET
@client_required
def my_ics(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _own_appointment(request, appointment_id)
    return _ics_response(appointment_ics(appointment), f"appointment-{appointment.pk}.ics")


@login_required
@require_GET
@client_required
def my_receipts(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = _own_client(request)
    return _render(
        request,
        "scheduling/my_receipts.html",
        {"client": client, "invoices": selectors.own_invoices(client)},
        client.clinic,
    )


@login_required
@require_GET
@client_required
def my_receipt_pdf(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    actor = actor_from_request(request, "client")
    invoice = selectors.own_invoice_get(actor=actor, pk=invoice_id)
    return _pdf_response(
        receipt_export(actor=actor, invoice=invoice), f"receipt-{invoice.number}.pdf"
    )


# --- Staff ------------------------------------------------------------------------------


# Therapists and administrators book and keep hours; a supervisor only looks.
booker_required = role_required(books_and_keeps_hours)


@login_required
@require_GET
@staff_required
def schedule(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A therapist's week, Monday to Sunday; supervisors see their supervisees', the
    administrator everyone's."""
    user = user_of(request)
    clinic = user.home_clinic
    options = selectors.therapists_visible_to(user)
    therapist = _chosen(options, request)
    first = _first_day(request, clinic, monday=True)
    appointments = (
        selectors.schedule_for(therapist, clinic=clinic, week_start=first)
        if therapist is not None
        else []
    )
    tz = selectors.zone_of(clinic)
    by_day: dict[date, list[Appointment]] = {
        day: [] for day in (first + timedelta(days=i) for i in range(7))
    }
    for appointment in appointments:
        by_day.setdefault(appointment.starts_at.astimezone(tz).date(), []).append(appointment)
    today = _local_today(clinic)
    return _render(
        request,
        "scheduling/schedule.html",
        {
            "therapists": options,
            "therapist": therapist,
            "days": list(by_day.items()),
            "today": today,
            "first_day": first,
            "previous_week": (first - timedelta(days=7)).isoformat(),
            "next_week": (first + timedelta(days=7)).isoformat(),
            "this_week": (today - timedelta(days=today.weekday())).isoformat(),
        },
        clinic,
    )


def _bookable_clients(user: User) -> QuerySet[Client]:
    clients = clients_visible_to(user).exclude(status=Client.Status.DISCHARGED)
    if not user.is_clinic_admin:
        clients = clients.filter(therapists=user)
    return clients.order_by("legal_name", "pk")


@booker_required
def staff_book(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Book for a client: their therapist, or the administrator for anyone."""
    user = user_of(request)
    clinic = user.home_clinic
    clients = _bookable_clients(user)
    client_id = _int_param(request, "client")
    client = clients.filter(pk=client_id).first() if client_id else None
    if client_id and client is None:
        raise Http404
    therapists = (
        User.objects.filter(clinic_id=user.home_clinic_id, is_therapist=True, is_active=True)
        .select_related("therapist_profile")
        .order_by("full_name")
    )
    if client is not None:
        assigned = client.therapists.filter(is_active=True)
        default = _chosen(therapists, request) if _int_param(request, "therapist") else None
        therapist = default or assigned.first() or therapists.first()
    else:
        therapist = _chosen(therapists, request)
    kind = request.POST.get("kind") or request.GET.get("kind") or "session"
    form = SlotBookingForm(
        request.POST or None,
        therapists=therapists,
        channel="staff",
        initial={"therapist": therapist, "kind": kind},
    )
    if request.method == "POST" and client is not None and form.is_valid():
        try:
            appointment = services.appointment_book(
                actor=actor_from_request(
                    request, "therapist" if user.is_therapist else "administrator"
                ),
                client=client,
                therapist=form.cleaned_data["therapist"],
                kind=form.cleaned_data["kind"],
                starts_at=form.cleaned_data["starts_at"],
            )
        except services.SchedulingError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, f"Booked for {client.display_name}.")
            return redirect("scheduling:appointment", appointment_id=appointment.pk)
    context = {
        "clients": clients,
        "client": client,
        "form": form,
        "therapist": therapist,
        "therapists": therapists,
        "kind": kind,
        "kinds": form.fields["kind"].choices,  # type: ignore[attr-defined]  # the form's fields are typed Field; this one is a choice field
        "week_query": _query(
            client=client.pk if client else None,
            therapist=therapist.pk if therapist else None,
            kind=kind,
        ),
        **_slot_page_context(
            request,
            clinic=clinic,
            therapist=therapist,
            kind=kind,
            not_before=timezone.now(),
        ),
    }
    return _render(request, "scheduling/staff_book.html", context, clinic)


@login_required
@require_GET
def client_appointments(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = client_get_for(actor=actor_from_request(request), pk=client_id)
    return _render(
        request,
        "scheduling/client_appointments.html",
        {
            "client": client,
            "appointments": selectors.appointments_of_client(client),
            "can_book": request.user.has_perm("scheduling.book_for_client", client),
        },
        client.clinic,
    )


def _appointment_page(
    request: HttpRequest,
    appointment: Appointment,
    *,
    cancel_form: StaffCancelForm | None = None,
    mark_form: MarkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    invoice = getattr(appointment, "invoice", None)
    return _render(
        request,
        "scheduling/appointment.html",
        {
            "appointment": appointment,
            "cancel_form": cancel_form or StaffCancelForm(),
            "mark_form": mark_form or MarkForm(),
            "invoice": invoice,
        },
        appointment.clinic,
        status=status,
    )


@login_required
@require_GET
def appointment_detail(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_get_for(
        actor=actor_from_request(request), pk=appointment_id
    )
    return _appointment_page(request, appointment)


def _changeable(request: HttpRequest, appointment_id: int) -> Appointment:
    appointment = selectors.appointment_get_for(
        actor=actor_from_request(request), pk=appointment_id
    )
    if not request.user.has_perm("scheduling.change_appointment", appointment):
        raise PermissionDenied
    return appointment


@login_required
@require_POST
def appointment_mark(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _changeable(request, appointment_id)
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            invoice = services.appointment_mark(
                actor=actor_from_request(
                    request, "therapist" if request.user.is_therapist else "administrator"
                ),
                appointment=appointment,
                outcome=form.cleaned_data["outcome"],
            )
        except services.SchedulingError as exc:
            _apply_error(form, exc)
        else:
            note = f" Invoice {invoice.number} created." if invoice is not None else ""
            messages.success(request, f"Recorded.{note}")
            return redirect("scheduling:appointment", appointment_id=appointment.pk)
    return _appointment_page(request, appointment, mark_form=form)


@login_required
@require_POST
def appointment_cancel(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _changeable(request, appointment_id)
    form = StaffCancelForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_cancel(
                actor=actor_from_request(
                    request, "therapist" if request.user.is_therapist else "administrator"
                ),
                appointment=appointment,
                by_client=form.cleaned_data["who"] == "client",
                reason=form.cleaned_data["reason"],
            )
        except services.SchedulingError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Cancelled; the client is told by email.")
            return redirect("scheduling:appointment", appointment_id=appointment.pk)
    return _appointment_page(request, appointment, cancel_form=form)


def _availability_owner(request: HttpRequest, user: User) -> User:
    """Whose hours the page edits: your own; an administrator picks any therapist."""
    if user.is_clinic_admin:
        options = User.objects.filter(clinic_id=user.home_clinic_id, is_therapist=True).order_by(
            "full_name"
        )
        chosen = _chosen(options, request)
        if chosen is not None:
            return chosen
    if not user.is_therapist:
        raise Http404
    return user


@booker_required
def availability(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = user_of(request)
    clinic = user.home_clinic
    if (
        user.is_clinic_admin
        and not user.is_therapist
        and not User.objects.filter(clinic_id=user.home_clinic_id, is_therapist=True).exists()
    ):
        therapist = None
    else:
        therapist = _availability_owner(request, user)
    actor = actor_from_request(request, "administrator" if user.is_clinic_admin else "therapist")
    window_form = AvailabilityForm(request.POST if request.POST.get("action") == "window" else None)
    off_form = TimeOffForm(request.POST if request.POST.get("action") == "time_off" else None)
    if request.method == "POST" and therapist is not None:
        if request.POST.get("action") == "window" and window_form.is_valid():
            try:
                services.availability_add(
                    actor=actor, therapist=therapist, **window_form.cleaned_data
                )
            except services.SchedulingError as exc:
                _apply_error(window_form, exc)
            else:
                messages.success(request, "Hours added.")
                return redirect(f"{reverse('scheduling:availability')}?therapist={therapist.pk}")
        if request.POST.get("action") == "time_off" and off_form.is_valid():
            data = off_form.cleaned_data
            if data["whole_clinic"] and not user.has_perm("scheduling.add_clinic_time_off"):
                off_form.add_error(
                    "whole_clinic", "Only the administrator closes the whole clinic."
                )
            else:
                try:
                    _, affected = services.time_off_add(
                        actor=actor,
                        clinic=clinic,
                        therapist=None if data["whole_clinic"] else therapist,
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                        reason=data["reason"],
                    )
                except services.SchedulingError as exc:
                    _apply_error(off_form, exc)
                else:
                    messages.success(request, "Time off added.")
                    if affected:
                        messages.warning(
                            request,
                            f"{affected} booked appointment(s) fall in this time off. They stay "
                            "booked: move or cancel them and tell the clients.",
                        )
                    return redirect(
                        f"{reverse('scheduling:availability')}?therapist={therapist.pk}"
                    )
    weekly, off = selectors.availability_of(therapist) if therapist is not None else ([], [])
    return _render(
        request,
        "scheduling/availability.html",
        {
            "therapist": therapist,
            "therapists": User.objects.filter(
                clinic_id=user.home_clinic_id, is_therapist=True
            ).order_by("full_name")
            if user.is_clinic_admin
            else [],
            "weekly": weekly,
            "time_off": off,
            "window_form": window_form,
            "off_form": off_form,
        },
        clinic,
    )


@login_required
@require_POST
@booker_required
def availability_remove(request: AuthenticatedHttpRequest, availability_id: int) -> HttpResponse:
    user = user_of(request)
    window = WeeklyAvailability.objects.filter(
        pk=availability_id, clinic_id=user.home_clinic_id
    ).first()
    if window is None or not user.has_perm("scheduling.change_hours", window):
        raise Http404
    services.availability_remove(actor=actor_from_request(request), window=window)
    messages.success(request, "Hours removed. Booked appointments stay booked.")
    return redirect(f"{reverse('scheduling:availability')}?therapist={window.therapist_id}")


@login_required
@require_POST
@booker_required
def time_off_remove(request: AuthenticatedHttpRequest, exception_id: int) -> HttpResponse:
    user = user_of(request)
    exception = AvailabilityException.objects.filter(
        pk=exception_id, clinic_id=user.home_clinic_id
    ).first()
    if exception is None or not user.has_perm("scheduling.change_hours", exception):
        raise Http404
    services.time_off_remove(actor=actor_from_request(request), exception=exception)
    messages.success(request, "Time off removed.")
    target = exception.therapist_id or ""
    return redirect(f"{reverse('scheduling:availability')}?therapist={target}")


@therapist_required
def calendar_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = user_of(request)
    actor = actor_from_request(request, "therapist")
    new_link = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor=actor, therapist=user)
            messages.success(request, "The old address no longer works.")
            return redirect("scheduling:calendar_feed")
        _, token = services.calendar_feed_create(actor=actor, therapist=user)
        new_link = request.build_absolute_uri(reverse("scheduling:feed", args=[token]))
    active = CalendarFeed.objects.filter(therapist=user, revoked_at=None).first()
    return _render(
        request,
        "scheduling/calendar_feed.html",
        {"active": active, "new_link": new_link},
        user.home_clinic,
    )


@login_required
@require_GET
@administrator_required
def invoices(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = user_of(request)
    unpaid = request.GET.get("show") == "unpaid"
    return _render(
        request,
        "scheduling/invoices.html",
        {
            "invoices": selectors.invoices_of_clinic(user.home_clinic_id, unpaid_only=unpaid),
            "unpaid": unpaid,
        },
        user.home_clinic,
    )


@administrator_required
def invoice_detail(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    actor = actor_from_request(request, "administrator")
    invoice = selectors.invoice_get_for(actor=actor, pk=invoice_id)
    form = PaymentForm(request.POST or None, initial={"received_on": _local_today(invoice.clinic)})
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(actor=actor, invoice=invoice, **form.cleaned_data)
        except services.SchedulingError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Payment recorded.")
            return redirect("scheduling:invoice", invoice_id=invoice.pk)
    paid = invoice.paid or 0  # type: ignore[attr-defined]  # annotated or prefetched by the query that fetched it
    return _render(
        request,
        "scheduling/invoice.html",
        {"invoice": invoice, "form": form, "paid": paid, "balance": invoice.amount - paid},
        invoice.clinic,
    )


@login_required
@require_GET
@administrator_required
def invoice_receipt(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    actor = actor_from_request(request, "administrator")
    invoice = selectors.invoice_get_for(actor=actor, pk=invoice_id)
    return _pdf_response(
        receipt_export(actor=actor, invoice=invoice), f"receipt-{invoice.number}.pdf"
    )


@administrator_required
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = user_of(request)
    clinic = user.home_clinic
    actor = actor_from_request(request, "administrator")
    config = selectors.scheduling_settings_for(clinic)
    action = request.POST.get("action")
    settings_form = SettingsForm(request.POST if action == "settings" else None, instance=config)
    fee_form = FeeForm(request.POST if action == "fee" else None, clinic_id=user.home_clinic_id)
    if request.method == "POST":
        if action == "settings" and settings_form.is_valid():
            try:
                services.scheduling_settings_update(
                    actor=actor,
                    clinic=clinic,
                    **{
                        k: settings_form.cleaned_data[k]
                        for k in ("video_link", "notice_hours", "practicum_rate")
                    },
                )
            except services.SchedulingError as exc:
                _apply_error(settings_form, exc)
            else:
                messages.success(request, "Booking settings saved.")
                return redirect("scheduling:settings")
        if action == "fee" and fee_form.is_valid():
            try:
                services.fee_set(actor=actor, **fee_form.cleaned_data)
            except services.SchedulingError as exc:
                _apply_error(fee_form, exc)
            else:
                messages.success(request, "Fee saved.")
                return redirect("scheduling:settings")
    return _render(
        request,
        "scheduling/settings.html",
        {
            "settings_form": settings_form,
            "fee_form": fee_form,
            "fees": selectors.fees_table(clinic),
            "kinds": list(KINDS.values()),
        },
        clinic,
    )
