from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from iptcare.accounts.services import InvitationError, client_portal_invite
from iptcare.audit.services import actor_from_request
from iptcare.clients import services
from iptcare.clients.forms import BreakGlassForm, ClientForm
from iptcare.clients.models import Client
from iptcare.clients.selectors import client_get_for, clients_visible_to
from iptcare.core.access import administrator_required, staff_required
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.core.parsing import parse_search
from iptcare.portal.selectors import mood_log_for


def _client_for(request: HttpRequest, pk: int, perm: str = "clients.view_record") -> Client:
    """404 for a client this user may not see at all; 403 when they may see but not do."""
    actor = actor_from_request(request)
    client = client_get_for(actor=actor, pk=pk)
    if perm != "clients.view_record" and not request.user.has_perm(perm, client):
        raise PermissionDenied
    return client


@staff_required
def client_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = clients_visible_to(request.user).prefetch_related("therapists")
    query = parse_search(request.GET.get("q"))
    status = request.GET.get("status", "")
    if query:
        clients = clients.filter(
            Q(legal_name__icontains=query)
            | Q(preferred_name__icontains=query)
            | Q(chart_number__iexact=query)
        )
    if status in Client.Status.values:
        clients = clients.filter(status=status)
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/list.html",
        {"page": page, "query": query, "status": status, "statuses": Client.Status.choices},
    )


@administrator_required
def client_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    clinic_id = request.user.home_clinic_id
    form = ClientForm(request.POST or None, clinic_id=clinic_id)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        therapists = data.pop("therapists")
        client = services.client_create(
            actor=actor_from_request(request, "administrator"),
            clinic=request.user.home_clinic,
            therapists=therapists,
            **data,
        )
        messages.success(
            request, f"{client.legal_name} added with chart number {client.chart_number}."
        )
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": None})


@login_required
def client_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _client_for(request, pk)
    user = request.user
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "can_change": user.has_perm("clients.change_record", client),
            "can_view_clinical": user.has_perm("clients.view_clinical", client),
            "can_break_glass": user.has_perm("clients.break_glass", client),
            "invitation": client.user.invitations.first() if client.user else None,
        },
    )


@login_required
def client_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _client_for(request, pk, "clients.change_record")
    form = ClientForm(request.POST or None, instance=client, clinic_id=client.clinic_id)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        therapists = data.pop("therapists")
        # The form has already copied values onto the instance; reload so the service
        # sees what is stored and records exactly what changed.
        stored = Client.objects.get(pk=client.pk)
        services.client_update(
            actor=actor_from_request(request, "administrator"),
            client=stored,
            therapists=therapists,
            **data,
        )
        messages.success(request, "Client details saved.")
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})


@login_required
def client_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The clinical record: the care team, or an administrator who broke the glass."""
    actor = actor_from_request(request)
    try:
        client = client_get_for(actor=actor, pk=pk, perm="clients.view_clinical")
    except Http404:
        # Not clinical access: an administrator may break the glass; others see 404/403.
        visible = client_get_for(actor=actor, pk=pk)
        if request.user.has_perm("clients.break_glass", visible):
            return redirect("clients:break_glass", pk=pk)
        raise PermissionDenied from None
    return render(
        request, "clients/record.html", {"client": client, "mood_log": mood_log_for(client)}
    )


@login_required
def client_break_glass(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _client_for(request, pk, "clients.break_glass")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.break_glass(
            actor=actor_from_request(request, "administrator"),
            client=client,
            reason=form.cleaned_data["reason"],
        )
        messages.warning(request, "Access granted for one hour and recorded in the audit log.")
        return redirect("clients:record", pk=pk)
    return render(request, "clients/break_glass.html", {"client": client, "form": form})


@login_required
@require_POST
def client_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = _client_for(request, pk, "clients.change_record")
    try:
        client_portal_invite(actor=actor_from_request(request, "administrator"), client=client)
    except InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Invitation sent to {client.email}. It is valid for 7 days.")
    return redirect("clients:detail", pk=pk)
