"""Course and session-note pages. Thin: parse, get through the choke point, call one
service, render. Bad input comes back beside the field with nothing saved."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from iptcare.audit.services import actor_from_request
from iptcare.clients.selectors import caseload_for, client_get_for
from iptcare.core import dates
from iptcare.core.access import administrator_required, therapist_required
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.core.parsing import parse_id
from iptcare.courses import protocols, selectors, services
from iptcare.courses.forms import (
    AmendmentForm,
    CourseEndForm,
    CourseExtendForm,
    CourseOpenForm,
    CourseSettingsForm,
    NoteForm,
    NoteOpenForm,
    identity_label,
)
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.services import CourseConflict, CourseError
from iptcare.formulation.selectors import session_records
from iptcare.measures.selectors import flags_for_course, session_measures
from iptcare.overview.selectors import course_header_for, course_overview
from iptcare.supervision.selectors import note_return_shown_to_author, note_version_count


def _course_for(request: HttpRequest, course_id: int, *, change: bool = False) -> Course:
    """404 for a course this person may not see; 403 when they may see but not change it."""
    course = selectors.course_get_for(actor=actor_from_request(request), pk=course_id)
    if change and not request.user.has_perm("courses.change_course", course):
        raise PermissionDenied
    return course


def _form_error(form: forms.Form, exc: CourseError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _styles_context(course: Course, **extra: object) -> dict[str, object]:
    return {"course": course, "client": course.client, **extra}


# --- Starting a course and the client's courses ---------------------------------------------


def _planned_help(clinic_id: int) -> str:
    settings = selectors.clinic_course_settings(clinic_id)
    parts = []
    for protocol in protocols.available_protocols():
        low, high = selectors.clinic_range_for(protocol, settings)
        low = low or protocol.min_planned
        high = high or protocol.max_planned
        if protocol.open_ended:
            parts.append(f"{protocol.name}: open-ended (leave empty)")
        elif low == high:
            parts.append(f"{protocol.name}: {low}")
        else:
            default = selectors.default_planned_for(protocol, settings)
            parts.append(f"{protocol.name}: {low}–{high}, usually {default}")
    return "Empty means the usual length. " + "; ".join(parts) + "."


@therapist_required
def course_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a course for one of the therapist's own clients."""
    user = request.user
    actor = actor_from_request(request)
    caseload = list(caseload_for(user))
    choices = [(c.pk, f"{c.display_name} ({c.chart_number})") for c in caseload]
    initial: dict[str, object] = {"start_date": selectors.clinic_today(user.home_clinic)}
    settings = selectors.clinic_course_settings(user.home_clinic_id)
    wanted = request.GET.get("client", "")
    if wanted:
        wanted_id = parse_id(wanted)
        if wanted_id is None:
            raise Http404
        client = client_get_for(actor=actor, pk=wanted_id, perm="clients.view_clinical")
        if client.pk not in {pk for pk, _ in choices}:
            raise PermissionDenied
        initial["client"] = client.pk
    form = CourseOpenForm(
        request.POST or None,
        initial=initial,
        clients=choices,
        planned_help=_planned_help(user.home_clinic_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client = client_get_for(actor=actor, pk=data["client"], perm="clients.view_clinical")
        protocol = protocols.get(data["protocol"])
        planned = data["planned_sessions"]
        if planned is None:
            # Empty means the clinic's usual length (none for open-ended protocols).
            planned = selectors.default_planned_for(protocol, settings)
        try:
            course = services.course_open(
                actor=actor.as_role("therapist"),
                client=client,
                protocol=protocol.code,
                therapist=user,
                start_date=data["start_date"],
                planned_sessions=planned,
                frequency=data["frequency"],
            )
        except CourseError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{course.get_protocol_display()} started.")
            return redirect("courses:detail", course_id=course.pk)
    return render(
        request,
        "courses/course_new.html",
        {"form": form, "has_clients": bool(choices)},
    )


@login_required
def client_courses(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    """A client's IPT courses (clinical: the care team, or after breaking the glass)."""
    actor = actor_from_request(request)
    visible = client_get_for(actor=actor, pk=client_id)
    if not request.user.has_perm("clients.view_clinical", visible):
        if request.user.has_perm("clients.break_glass", visible):
            return redirect("clients:break_glass", pk=client_id)
        raise PermissionDenied
    courses = list(selectors.courses_of_client(visible.pk))
    positions = selectors.course_positions([c.pk for c in courses])
    drafts = selectors.unsigned_note_counts([c.pk for c in courses])
    rows = [(c, positions[c.pk], drafts.get(c.pk, 0)) for c in courses]
    return render(
        request,
        "courses/client_courses.html",
        {"client": visible, "rows": rows},
    )


# --- The course page -------------------------------------------------------------------------


@login_required
def course_detail(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course_for(request, course_id)
    overview = course_overview(course)
    notes = list(selectors.notes_of_course(course))
    extensions = list(course.extensions.select_related("by"))
    return render(
        request,
        "courses/course_detail.html",
        _styles_context(
            course,
            overview=overview,
            header=overview.header,
            position=overview.position,
            notes=notes,
            extensions=extensions,
            flags=flags_for_course(course),
            can_change=request.user.has_perm("courses.change_course", course),
        ),
    )


@login_required
def course_extend(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course_for(request, course_id, change=True)
    initial = {"version": course.version, "to_sessions": (course.planned_sessions or 0) + 2}
    form = CourseExtendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.course_extend(
                actor=actor_from_request(request, "therapist"),
                course=course,
                to_sessions=form.cleaned_data["to_sessions"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except CourseError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                f"Extended from {extension.from_sessions} to {extension.to_sessions} sessions.",
            )
            return redirect("courses:detail", course_id=course.pk)
    return render(
        request,
        "courses/course_extend.html",
        _styles_context(course, form=form, header=course_header_for(course)),
    )


@login_required
def course_end(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course_for(request, course_id, change=True)
    form = CourseEndForm(
        request.POST or None,
        initial={"version": course.version, "ended_on": selectors.clinic_today(course.clinic)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.course_end(
                actor=actor_from_request(request, "therapist"),
                course=course,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                ended_on=form.cleaned_data["ended_on"],
                version=form.cleaned_data["version"],
            )
        except CourseError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "The course is closed. Its records stay readable.")
            return redirect("courses:detail", course_id=course.pk)
    return render(
        request,
        "courses/course_end.html",
        _styles_context(course, form=form, header=course_header_for(course)),
    )


# --- Session notes ---------------------------------------------------------------------------


@login_required
def note_new(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course_for(request, course_id, change=True)
    header = course_header_for(course)
    form = NoteOpenForm(
        request.POST or None, initial={"date": selectors.clinic_today(course.clinic)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_open(
                actor=actor_from_request(request, "therapist"),
                course=course,
                date=form.cleaned_data["date"],
                attendance=form.cleaned_data["attendance"],
                focus_labels=[label for _code, label in header.focus_areas],
            )
        except CourseError as exc:
            _form_error(form, exc)
        else:
            return redirect("courses:note", course_id=course.pk, note_id=note.pk)
    return render(
        request,
        "courses/note_new.html",
        _styles_context(course, form=form, header=header, position=header.position),
    )


def _note_form_initial(note: SessionNote) -> dict[str, object]:
    initial = {name: getattr(note, name) for name in services.NOTE_FIELDS}
    initial["version"] = note.version
    return initial


def _note_page(
    request: HttpRequest,
    course: Course,
    note: SessionNote,
    form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_change = request.user.has_perm("courses.change_course", course)
    # A draft: its treating therapist; a note returned for revision: its author only.
    editable = request.user.has_perm("courses.edit_note", note)
    position = selectors.note_position(course, note)
    if editable and form is None:
        form = NoteForm(initial=_note_form_initial(note), protocol=course.protocol_spec)
    if form is not None:
        identity_label(form, request.user)  # type: ignore[arg-type]  # signed in: login_required
    returned = note.status == SessionNote.Status.RETURNED
    review = note_return_shown_to_author(note) if returned else None
    return render(
        request,
        "courses/note_detail.html",
        _styles_context(
            course,
            note=note,
            form=form if editable else None,
            records=session_records(course, note.number),
            amendments=list(note.amendments.select_related("author")),
            amend_form=AmendmentForm() if can_change and note.is_locked else None,
            position=position,
            header=course_header_for(course, position=position),
            session_measures=session_measures(course, note.number),
            ask_identity=selectors.clinic_course_settings(
                course.clinic_id
            ).confirm_identity_at_signing,
            review=review,
            part_comments=review.part_comments if review else {},
            version_count=note_version_count(note),
        ),
        status=status,
    )


def _note_for(request: HttpRequest, course: Course, note_id: int) -> SessionNote:
    return selectors.note_get_for(actor=actor_from_request(request), course=course, pk=note_id)


@login_required
def note_detail(request: AuthenticatedHttpRequest, course_id: int, note_id: int) -> HttpResponse:
    """The note: an autosaving form while it is a draft, the signed text afterwards."""
    course = _course_for(request, course_id, change=request.method == "POST")
    note = _note_for(request, course, note_id)
    if request.method != "POST":
        return _note_page(request, course, note)
    if note.is_locked:
        messages.error(request, services.signed_note_message(note))
        return redirect("courses:note", course_id=course.pk, note_id=note.pk)
    form = NoteForm(request.POST, protocol=course.protocol_spec)
    if form.is_valid():
        try:
            services.note_update(
                actor=actor_from_request(request, "therapist"),
                note=note,
                version=form.cleaned_data["version"],
                changes=form.changes(),
            )
        except CourseError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Draft saved.")
            return redirect("courses:note", course_id=course.pk, note_id=note.pk)
    return _note_page(request, course, note, form)


def _clock(request: HttpRequest, when: datetime) -> str:
    clinic = getattr(request.user, "clinic", None)
    zone = zoneinfo.ZoneInfo(clinic.time_zone) if clinic else timezone.get_current_timezone()
    return dates.clock(when, zone)


@login_required
@require_POST
def note_autosave(request: AuthenticatedHttpRequest, course_id: int, note_id: int) -> HttpResponse:
    """htmx autosave of a draft: a small status line, and the new version for the form."""
    course = _course_for(request, course_id, change=True)
    note = _note_for(request, course, note_id)
    form = NoteForm(request.POST, protocol=course.protocol_spec)
    context: dict[str, object] = {"note": note}
    if not form.is_valid():
        context["errors"] = [
            f"{form.fields[name].label if name in form.fields else ''}: {error}".lstrip(": ")
            for name, errors in form.errors.items()
            for error in errors
        ]
    else:
        try:
            saved = services.note_update(
                actor=actor_from_request(request, "therapist"),
                note=note,
                version=form.cleaned_data["version"],
                changes=form.changes(),
            )
        except CourseConflict as exc:
            context["conflict"] = str(exc)
        except CourseError as exc:
            context["errors"] = [str(exc)]
        else:
            context.update(saved_at=_clock(request, saved.updated_at), version=saved.version)
    return render(request, "courses/_autosave_status.html", context)


@login_required
@require_POST
def note_sign(request: AuthenticatedHttpRequest, course_id: int, note_id: int) -> HttpResponse:
    course = _course_for(request, course_id, change=True)
    note = _note_for(request, course, note_id)
    form = NoteForm(request.POST, protocol=course.protocol_spec)
    if form.is_valid():
        try:
            signed = services.note_sign(
                actor=actor_from_request(request, "therapist"),
                note=note,
                version=form.cleaned_data["version"],
                changes=form.changes(),
                secret=form.cleaned_data["secret"],
            )
        except CourseError as exc:
            if note.is_locked:
                messages.error(request, str(exc))
                return redirect("courses:note", course_id=course.pk, note_id=note.pk)
            _form_error(form, exc)
        else:
            if signed.status == SessionNote.Status.AWAITING_COSIGNATURE:
                messages.success(request, "Signed. It now waits for your supervisor to co-sign.")
            else:
                messages.success(request, "Signed. The note is now locked; add amendments below.")
            return redirect("courses:note", course_id=course.pk, note_id=note.pk)
    return _note_page(request, course, note, form)


@login_required
@require_POST
def note_amend(request: AuthenticatedHttpRequest, course_id: int, note_id: int) -> HttpResponse:
    course = _course_for(request, course_id, change=True)
    note = _note_for(request, course, note_id)
    form = AmendmentForm(request.POST)
    if form.is_valid():
        try:
            services.note_amend(
                actor=actor_from_request(request, "therapist"),
                note=note,
                text=form.cleaned_data["text"],
            )
        except CourseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Amendment added.")
        return redirect("courses:note", course_id=course.pk, note_id=note.pk)
    messages.error(request, "Write the amendment before adding it: nothing was added.")
    return redirect("courses:note", course_id=course.pk, note_id=note.pk)


# --- Clinic settings ---------------------------------------------------------------------------


@administrator_required
def course_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clinic's planned lengths and IPT-A ages, within the protocols' rules."""
    user = request.user
    settings = selectors.clinic_course_settings(user.home_clinic_id)
    form = CourseSettingsForm(
        request.POST or None, initial=CourseSettingsForm.initial_from(settings)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.course_settings_update(
                actor=actor_from_request(request, "administrator"),
                clinic_id=user.home_clinic_id,
                **form.cleaned_data,
            )
        except CourseError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Course settings saved.")
            return redirect("courses:settings")
    return render(request, "courses/settings.html", {"form": form})
