"""The client portal. Every page is the logged-in client's own: staff get 403, and a
client only ever reaches their own record (through `own_record_for`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from iptcare.audit.services import Actor, actor_from_request
from iptcare.clients.models import Client
from iptcare.clients.rules import acting_role
from iptcare.clients.selectors import own_record_for
from iptcare.core.access import client_required, staff_required
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.courses.selectors import course_get_for
from iptcare.portal import forms, selectors, services
from iptcare.portal.models import PersonSuggestion
from iptcare.portal.services import PortalError
from iptcare.reports.selectors import final_reports_for_client
from iptcare.scheduling.selectors import own_invoices


def _own(request: HttpRequest) -> tuple[Actor, Client]:
    actor = actor_from_request(request, "client")
    return actor, own_record_for(actor=actor)


def _refused(form: forms.forms.Form, error: PortalError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


@client_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _, client = _own(request)
    return render(
        request,
        "portal/home.html",
        {"client": client, "summary": selectors.portal_home_for(client)},
    )


@client_required
def details(request: AuthenticatedHttpRequest) -> HttpResponse:
    _, client = _own(request)
    return render(request, "portal/details.html", {"client": client})


@client_required
def relationships(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor, client = _own(request)
    course = selectors.current_course_for(client)
    form = forms.SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.person_suggest(actor=actor, client=client, **form.cleaned_data)
        except PortalError as error:
            _refused(form, error)
        else:
            messages.success(
                request, f"Thank you: your therapist will see your suggestion of {suggestion.name}."
            )
            return redirect("portal:relationships")
    people = selectors.shared_people_for(course)
    return render(
        request,
        "portal/relationships.html",
        {
            "client": client,
            "people": people,
            "circle": selectors.relationship_circle_for(people, client) if people else "",
            "suggestions": selectors.own_suggestions(client),
            "form": form,
            "can_suggest": course is not None and course.is_open,
        },
    )


@client_required
def mood(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor, client = _own(request)
    course = selectors.current_course_for(client)
    log = selectors.mood_log_for(client, course=course)
    initial = {"rating": log.today.rating, "note": log.today.note} if log.today else None
    form = forms.MoodForm(request.POST or None, initial=initial, scale=log.scale)
    if request.method == "POST" and form.is_valid():
        try:
            services.mood_record(actor=actor, client=client, **form.cleaned_data)
        except PortalError as error:
            _refused(form, error)
        else:
            messages.success(request, "Saved. You can change today's entry until midnight.")
            return redirect("portal:mood")
    return render(request, "portal/mood.html", {"client": client, "log": log, "form": form})


@client_required
def documents(request: AuthenticatedHttpRequest) -> HttpResponse:
    _, client = _own(request)
    return render(
        request,
        "portal/documents.html",
        {
            "client": client,
            "invoices": own_invoices(client),
            "reports": final_reports_for_client(client),
        },
    )


@client_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor, client = _own(request)
    if request.method == "POST":
        archive = services.my_data_export(actor=actor, client=client)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="my-data-{client.chart_number}.zip"'
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "portal/my_data.html", {"client": client})


# --- The therapist's answer to a suggestion (from the inventory page) -------------------


@login_required
@require_POST
@staff_required
def suggestion_decide(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    user = request.user
    suggestion = PersonSuggestion.objects.filter(
        pk=suggestion_id,
        clinic_id=user.home_clinic_id,
    ).first()
    if suggestion is None:
        raise Http404
    course = course_get_for(actor=actor_from_request(request), pk=suggestion.course_id)
    if not user.has_perm("courses.change_course", course):
        raise PermissionDenied
    decision = request.POST.get("decision", "")
    if decision not in {"add", "dismiss"}:
        messages.error(request, "Choose to add the person or to leave them out.")
    else:
        actor = actor_from_request(request).as_role(acting_role(user, course.client))
        try:
            done = services.suggestion_decide(
                actor=actor, suggestion=suggestion, course=course, add=decision == "add"
            )
        except (PortalError, ValueError) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{done.name} added to the inventory."
                if decision == "add"
                else f"{done.name}: marked as not added.",
            )
    return redirect("formulation:inventory", course_id=course.pk)
