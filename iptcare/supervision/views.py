"""Supervision pages: thin views over the services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from iptcare.accounts.models import Role, User
from iptcare.audit.services import actor_from_request
from iptcare.core.access import administrator_required, staff_required, therapist_required
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.courses.models import SessionNote
from iptcare.courses.protocols import Phase
from iptcare.courses.selectors import note_position
from iptcare.supervision import selectors, services
from iptcare.supervision.forms import (
    NOT_APPLICABLE,
    FidelityRatingForm,
    FidelityScaleUploadForm,
    FidelitySettingsForm,
)
from iptcare.supervision.models import FidelityRating
from iptcare.supervision.scales.fileformat import MAX_BYTES, ScaleFileError
from iptcare.supervision.selectors import supervision_settings
from iptcare.supervision.services import FidelityError, item_field

# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


def _rating_kind(user: User, note: SessionNote) -> str | None:
    """Which rating this person makes of the session, if any."""
    if user.has_perm("supervision.rate_fidelity_as_supervisor", note):
        return FidelityRating.Kind.SUPERVISOR
    if user.has_perm("supervision.rate_fidelity_self", note):
        return FidelityRating.Kind.SELF
    return None


@staff_required
def fidelity_note(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
    """A session's fidelity ratings side by side, and the form for this person's own."""
    user = request.user
    actor = actor_from_request(request)
    note = selectors.fidelity_note_get_for(actor=actor, pk=note_id)
    kind = _rating_kind(user, note)
    if request.method == "POST" and kind is None:
        raise PermissionDenied
    ratings = selectors.fidelity_ratings_of_note(note)
    mine = next((r for r in ratings if r.rater_id == user.pk and r.kind == kind), None)
    scale = mine.scale if mine else selectors.fidelity_scale_of(note.clinic_id)
    phase = mine.phase if mine else selectors.note_phase(note).value
    all_items = list(scale.items.order_by("order"))
    items = [item for item in all_items if item.applies_to(phase)]
    form = None
    if kind is not None:
        initial: dict[str, object] = {"version": mine.version if mine else 0}
        if mine is not None:
            initial.update(recording_reference=mine.recording_reference, comment=mine.comment)
            for score in mine.scores.all():
                initial[item_field(score.item)] = (
                    NOT_APPLICABLE if score.score is None else str(score.score)
                )
        form = FidelityRatingForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            scale=scale,
            items=items,
            all_items=all_items,
            phase=phase,
        )
        if request.method == "POST" and form.is_valid():
            role = Role.SUPERVISOR if kind == FidelityRating.Kind.SUPERVISOR else Role.THERAPIST
            try:
                services.fidelity_rate(
                    actor=actor.as_role(role),
                    note=note,
                    kind=kind,
                    scores=form.scores(),
                    recording_reference=form.cleaned_data["recording_reference"],
                    comment=form.cleaned_data["comment"],
                    version=form.cleaned_data["version"] or None,
                )
            except FidelityError as exc:
                for error in getattr(exc, "errors", [exc]):
                    form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                messages.success(request, "Rating saved.")
                return redirect("supervision:fidelity_note", note_id=note.pk)
    course = note.course
    return render(
        request,
        "supervision/fidelity_note.html",
        {
            "note": note,
            "client": course.client,
            "course": course,
            "position": note_position(course, note),
            "phase": phase,
            "scale": scale,
            "ratings": ratings,
            "rows": selectors.side_by_side(items, ratings),
            "form": form,
            "kind": kind,
            "mine": mine,
        },
    )


def _person_page(request: AuthenticatedHttpRequest, person: User) -> HttpResponse:
    ratings = selectors.fidelity_history(actor=actor_from_request(request), person=person)
    trend = selectors.fidelity_trend([person.pk])[person.pk]
    scale = selectors.fidelity_scale_of(person.home_clinic_id)
    chart = selectors.fidelity_chart(
        ratings, low=scale.score_min, high=scale.score_max, pass_mark=trend.pass_mark
    )
    phases = [(p.label, trend.by_phase.get(p.value)) for p in Phase]
    return render(
        request,
        "supervision/fidelity_person.html",
        {
            "person": person,
            "is_me": person.pk == request.user.pk,
            "ratings": ratings,
            "trend": trend,
            "chart": chart,
            "phases": phases,
            "scale": scale,
        },
    )


@staff_required
def fidelity_person(request: AuthenticatedHttpRequest, supervisee_id: int) -> HttpResponse:
    """A supervisee's fidelity over time, for their supervisor (and for themselves)."""
    person = selectors.fidelity_person_get_for(actor=actor_from_request(request), pk=supervisee_id)
    return _person_page(request, person)


@therapist_required
def fidelity_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The therapist's own fidelity over time."""
    return _person_page(request, request.user)


@administrator_required
def fidelity_scales(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clinic's scales: load one from a file, choose the one to rate with, set the pass
    mark; and how many ratings were done (no scores: those stay with supervision)."""
    user = request.user
    clinic_id = user.home_clinic_id
    actor = actor_from_request(request, Role.ADMINISTRATOR)
    upload = FidelityScaleUploadForm()
    scales = selectors.fidelity_scales_for(clinic_id)
    current = supervision_settings(clinic_id)
    chosen = selectors.fidelity_scale_of(clinic_id)
    settings_initial = {
        "scale_code": chosen.code,
        "pass_mark": current.pass_mark,
        "version": current.version if current.pk else 0,
    }
    settings_form = FidelitySettingsForm(initial=settings_initial, scales=scales)
    if request.method == "POST" and request.POST.get("action") == "upload":
        upload = FidelityScaleUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            content = upload.cleaned_data["file"].read(MAX_BYTES + 1)
            try:
                scale = services.fidelity_scale_import(
                    actor=actor, clinic_id=clinic_id, content=content
                )
            except ScaleFileError as exc:
                upload.add_error(None, "The file was not loaded; nothing was saved.")
                for problem in exc.problems[:30]:
                    upload.add_error("file", problem)
            else:
                messages.success(
                    request,
                    f"Loaded {scale.name} (version {scale.version}): "
                    f"{scale.items.count()} items. Choose it below to rate with it.",
                )
                return redirect("supervision:fidelity_scales")
    elif request.method == "POST":
        settings_form = FidelitySettingsForm(request.POST, scales=scales)
        if settings_form.is_valid():
            data = settings_form.cleaned_data
            try:
                services.fidelity_settings_update(
                    actor=actor,
                    clinic_id=clinic_id,
                    scale_code=data["scale_code"],
                    pass_mark=data["pass_mark"],
                    version=data["version"],
                )
            except FidelityError as exc:
                field = exc.field if exc.field in settings_form.fields else None
                settings_form.add_error(field, str(exc))
            else:
                messages.success(request, "Fidelity settings saved.")
                return redirect("supervision:fidelity_scales")
    return render(
        request,
        "supervision/fidelity_scales.html",
        {
            "upload": upload,
            "settings_form": settings_form,
            "scales": scales,
            "chosen": chosen,
            "chosen_items": list(chosen.items.order_by("order")),
            "counts": selectors.fidelity_rating_counts(clinic_id),
        },
    )


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
