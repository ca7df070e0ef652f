"""Supervision pages: thin views over the services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from iptcare.audit.services import actor_from_request
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.courses import selectors as course_selectors
from iptcare.courses.forms import identity_label
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.selectors import CourseHeader
from iptcare.courses.services import NOTE_PARTS, CourseError, note_snapshot
from iptcare.formulation.selectors import focus_areas_by_course
from iptcare.supervision import selectors, services
from iptcare.supervision.forms import NoteReviewForm
from iptcare.supervision.selectors import part_text

# --- Review of notes -----------------------------------------------------------------------


def _course_header(course: Course, note: SessionNote) -> CourseHeader:
    """The course header of the note's pages, at the note's session."""
    return CourseHeader(
        course=course,
        position=course_selectors.note_position(course, note),
        focus_areas=focus_areas_by_course([course.pk])[course.pk],
    )


def _reviewed_note(
    request: HttpRequest, course_id: int, note_id: int
) -> tuple[Course, SessionNote]:
    """The course and note through courses' choke points: 404 outside the person's scope."""
    actor = actor_from_request(request)
    course = course_selectors.course_get_for(actor=actor, pk=course_id)
    note = course_selectors.note_get_for(actor=actor, course=course, pk=note_id)
    return course, note


@login_required
def note_review(request: AuthenticatedHttpRequest, course_id: int, note_id: int) -> HttpResponse:
    """The supervisor's review of a note waiting for co-signature: co-sign it, or return
    it to its author with comments (general, and beside each part of the note)."""
    course, note = _reviewed_note(request, course_id, note_id)
    if note.status != SessionNote.Status.AWAITING_COSIGNATURE:
        # Someone who sees the course anyway (the care team): say why, show the note.
        messages.info(request, "This note is not waiting for a co-signature.")
        return redirect("courses:note", course_id=course.pk, note_id=note.pk)
    if not request.user.has_perm("courses.cosign_note", note):
        raise Http404  # only a current supervisor of the author reviews it
    form = NoteReviewForm(request.POST or None, initial={"version": note.version})
    identity_label(form, request.user)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision", "")
        actor = actor_from_request(request, "supervisor")
        data = form.cleaned_data
        try:
            if decision == "return":
                services.note_return(
                    actor=actor,
                    note=note,
                    version=data["version"],
                    comment=data["comment"],
                    part_comments=form.part_comments(),
                    secret=data["secret"],
                )
                messages.success(request, f"Returned to {note.author.full_name} for revision.")
                return redirect("courses:note", course_id=course.pk, note_id=note.pk)
            if decision == "cosign":
                if form.part_comments():
                    raise CourseError(
                        "Comments on parts of the note go with a return for revision: clear "
                        "them to co-sign, or return the note."
                    )
                services.note_cosign(
                    actor=actor,
                    note=note,
                    version=data["version"],
                    comment=data["comment"],
                    secret=data["secret"],
                )
                messages.success(request, "Co-signed: the note is final.")
                return redirect("courses:note", course_id=course.pk, note_id=note.pk)
            raise CourseError("Choose “Co-sign” or “Return for revision”.")
        except CourseError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc))
    settings = course_selectors.clinic_course_settings(course.clinic_id)
    parts = [
        (label, part_text(name, value), form[f"part_{name}"])
        for name, label in NOTE_PARTS.items()
        for value in [note_snapshot(note)[name]]
    ]
    return render(
        request,
        "supervision/review_note.html",
        {
            "course": course,
            "client": course.client,
            "note": note,
            "header": _course_header(course, note),
            "form": form,
            "parts": parts,
            "ask_identity": settings.confirm_identity_at_signing,
            "version_count": selectors.note_version_count(note),
        },
    )


@login_required
def note_versions(request: AuthenticatedHttpRequest, course_id: int, note_id: int) -> HttpResponse:
    """Every signed version of the note side by side, what changed between them, and the
    supervisor's reviews: whoever sees the course's notes."""
    course, note = _reviewed_note(request, course_id, note_id)
    return render(
        request,
        "supervision/review_versions.html",
        {
            "course": course,
            "client": course.client,
            "note": note,
            "header": _course_header(course, note),
            "versions": selectors.note_history(note),
        },
    )


# --- Fidelity ------------------------------------------------------------------------------


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
