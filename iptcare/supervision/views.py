"""Supervision pages: thin views over the services and selectors."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from iptcare.accounts.models import Role, User
from iptcare.audit.services import actor_from_request
from iptcare.clinic.selectors import supervisees_of, supervisors_of
from iptcare.core.access import administrator_required, staff_required, therapist_required
from iptcare.core.forms import OUT_OF_DATE
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.courses import selectors as course_selectors
from iptcare.courses.forms import identity_label
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.protocols import Phase
from iptcare.courses.selectors import CourseHeader, clinic_today, note_position
from iptcare.courses.services import NOTE_PARTS, CourseError, note_snapshot
from iptcare.formulation.selectors import focus_areas_by_course
from iptcare.supervision import certification, selectors, services
from iptcare.supervision.forms import (
    NOT_APPLICABLE,
    ActionFormSet,
    FidelityRatingForm,
    FidelityScaleUploadForm,
    HoursAdjustForm,
    MeetingForm,
    NoteReviewForm,
    SupervisionSettingsForm,
)
from iptcare.supervision.models import FidelityRating, SupervisionMeeting
from iptcare.supervision.scales.fileformat import MAX_BYTES, ScaleFileError
from iptcare.supervision.selectors import part_text, supervision_settings
from iptcare.supervision.services import FidelityError, item_field

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
        "cosign_limit_days": current.cosign_limit_days,
        "certification_standard": certification.standard(current.certification_standard_code).code,
        "version": current.version if current.pk else 0,
    }
    settings_form = SupervisionSettingsForm(initial=settings_initial, scales=scales)
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
        settings_form = SupervisionSettingsForm(request.POST, scales=scales)
        if settings_form.is_valid():
            data = settings_form.cleaned_data
            try:
                services.supervision_settings_update(
                    actor=actor,
                    clinic_id=clinic_id,
                    scale_code=data["scale_code"],
                    pass_mark=data["pass_mark"],
                    cosign_limit_days=data["cosign_limit_days"],
                    certification_standard_code=data["certification_standard"],
                    version=data["version"],
                )
            except FidelityError as exc:
                field = exc.field if exc.field in settings_form.fields else None
                settings_form.add_error(field, str(exc))
            else:
                messages.success(request, "Supervision settings saved.")
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


@staff_required
def log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The supervision log: a supervisor's meetings (and a supervisee's), newest first,
    with the minutes per supervisee per month. An administrator sees the totals only."""
    user = request.user
    if not user.has_perm("supervision.view_log_totals"):
        raise PermissionDenied
    clinic_id = user.home_clinic_id
    page = None
    if user.is_supervisor or user.is_therapist:
        page = Paginator(selectors.meetings_for(user), 25).get_page(request.GET.get("page"))
        selectors.log_record_reads(actor=actor_from_request(request), meetings=page)
        if user.is_supervisor:
            totals = selectors.supervision_totals(clinic_id=clinic_id, supervisor=user)
        else:
            totals = selectors.supervision_totals(clinic_id=clinic_id, supervisee=user)
    else:  # an administrator: the clinic's counts, no meeting's text
        totals = selectors.supervision_totals(clinic_id=clinic_id)
    return render(
        request,
        "supervision/log_list.html",
        {
            "page": page,
            "totals": totals,
            "can_log": user.has_perm("supervision.log_meeting"),
            "today": clinic_today(user.home_clinic),
        },
    )


def _action_forms(request: HttpRequest, supervisees: QuerySet[User]) -> forms.BaseFormSet:
    return ActionFormSet(
        request.POST or None, prefix="actions", form_kwargs={"supervisees": supervisees}
    )


def _actions_in(formset: forms.BaseFormSet) -> list[services.ActionIn]:
    return [
        services.ActionIn(
            text=f.cleaned_data["text"],
            due_on=f.cleaned_data.get("due_on"),
            supervisee=f.cleaned_data.get("supervisee"),
        )
        for f in formset.forms
        if f.cleaned_data.get("text", "").strip()
    ]


def _log_error(form: MeetingForm, formset: forms.BaseFormSet, exc: services.LogError) -> None:
    if exc.field == "actions":
        formset.forms[0].add_error("text", str(exc))
    else:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _meeting_page(
    request: AuthenticatedHttpRequest, meeting: SupervisionMeeting | None
) -> HttpResponse:
    user = request.user
    supervisees = supervisees_of(user)
    if meeting is not None:
        # Who was there stays choosable, even if no longer supervised.
        supervisees = User.objects.filter(
            Q(pk__in=supervisees.values("pk")) | Q(pk__in=[s.pk for s in meeting.supervisees.all()])
        ).order_by("full_name")
        initial = {
            "date": meeting.date,
            "minutes": meeting.minutes,
            "kind": meeting.kind,
            "supervisees": list(meeting.supervisees.all()),
            "clients_discussed": " ".join(c.chart_number for c in meeting.clients_discussed.all()),
            "recordings_reviewed": meeting.recordings_reviewed,
            "notes": meeting.notes,
            "version": meeting.version,
        }
    else:
        initial = {"date": clinic_today(user.home_clinic), "minutes": 60}
    form = MeetingForm(request.POST or None, initial=initial, supervisees=supervisees)
    formset = _action_forms(request, supervisees)
    status = 200
    if request.method == "POST":
        form_ok = form.is_valid()
        actions_ok = formset.is_valid()
        if form_ok and actions_ok:
            data = form.cleaned_data
            fields = {
                "date": data["date"],
                "minutes": data["minutes"],
                "kind": data["kind"],
                "supervisees": list(data["supervisees"]),
                "chart_numbers": data["clients_discussed"],
                "recordings_reviewed": data["recordings_reviewed"],
                "notes": data["notes"],
                "actions": _actions_in(formset),
            }
            actor = actor_from_request(request, "supervisor")
            try:
                if meeting is None:
                    services.meeting_log(actor=actor, **fields)
                elif data.get("version") is None:
                    raise services.LogConflict(OUT_OF_DATE)
                else:
                    services.meeting_update(
                        actor=actor, meeting=meeting, version=data["version"], **fields
                    )
            except services.LogError as exc:
                _log_error(form, formset, exc)
            else:
                messages.success(request, "Meeting saved in the log.")
                return redirect("supervision:log")
        status = 400
    return render(
        request,
        "supervision/log_form.html",
        {"form": form, "formset": formset, "meeting": meeting},
        status=status,
    )


@staff_required
def log_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("supervision.log_meeting"):
        raise PermissionDenied
    return _meeting_page(request, None)


@staff_required
def log_edit(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(actor=actor_from_request(request), pk=meeting_id)
    if not request.user.has_perm("supervision.change_meeting", meeting):
        raise PermissionDenied
    return _meeting_page(request, meeting)


@login_required
@require_POST
def log_action_done(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    action = selectors.action_get_for(user=request.user, pk=action_id)
    try:
        services.action_mark_done(actor=actor_from_request(request), action=action)
    except services.LogError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Marked done.")
    return redirect("supervision:log")


# --- Practicum hours -----------------------------------------------------------------------


def _period(request: HttpRequest, today: date) -> tuple[date, date, str]:
    """The period asked for (`from` and `to`, or `month` as 2026-08), else this month;
    the third value says what was wrong with what was asked."""
    first, last = selectors.month_period(today)
    month = request.GET.get("month", "")
    if month:
        asked = selectors.month_from_key(month[:7])
        if asked is None:
            return first, last, "Choose a month such as 2026-08: showing this month."
        if not 1900 <= asked.year <= 2100:
            return first, last, "Choose a month between 1900 and 2100: showing this month."
        return (*selectors.month_period(asked), "")
    sent_from, sent_to = request.GET.get("from", ""), request.GET.get("to", "")
    if not sent_from and not sent_to:
        return first, last, ""
    try:
        start = date.fromisoformat(sent_from[:10])
        end = date.fromisoformat(sent_to[:10])
    except ValueError:
        return first, last, "Give the period's dates as 2026-08-01: showing this month."
    if not (1900 <= start.year and end.year <= 2100 and start <= end):
        return first, last, "Give a period within 1900–2100, its start first: showing this month."
    if (end - start).days >= selectors.LONGEST_PERIOD_DAYS:
        return first, last, "Choose a period of a year or less: showing this month."
    return start, end, ""


def _hours_of(
    request: AuthenticatedHttpRequest, supervisee_id: int, perm: str = ""
) -> tuple[User, selectors.Hours, str]:
    supervisee = selectors.therapist_get_for(
        user=request.user, pk=supervisee_id, perm="supervision.view_hours"
    )
    if perm and not request.user.has_perm(perm, supervisee):
        raise PermissionDenied
    start, end, problem = _period(request, clinic_today(supervisee.home_clinic))
    hours = selectors.hours_for(supervisee, period_from=start, period_to=end)
    return supervisee, hours, problem


def _period_query(hours: selectors.Hours) -> str:
    return urlencode({"from": hours.period_from.isoformat(), "to": hours.period_to.isoformat()})


@staff_required
def hours(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Whose hours: a therapist goes to their own; a supervisor and an administrator
    choose a person."""
    user = request.user
    if user.is_therapist and not user.is_supervisor and not user.is_clinic_admin:
        return redirect("supervision:hours_of", supervisee_id=user.pk)
    if user.is_clinic_admin:
        people = User.objects.filter(clinic_id=user.home_clinic_id, is_therapist=True).order_by(
            "full_name"
        )
    else:
        people = supervisees_of(user)
    return render(request, "supervision/hours_index.html", {"people": list(people)})


@staff_required
def hours_of(request: AuthenticatedHttpRequest, supervisee_id: int) -> HttpResponse:
    """A person's practicum hours for a period (a month by default), with the sign-off."""
    supervisee, hours, problem = _hours_of(request, supervisee_id)
    detail = request.user.has_perm("supervision.view_hours_detail", supervisee)
    if detail:
        selectors.hours_record_reads(actor=actor_from_request(request), hours=hours)
    previous = selectors.month_period(hours.period_from - timedelta(days=1))[0]
    following = selectors.month_period(hours.period_to + timedelta(days=1))[0]
    return render(
        request,
        "supervision/hours_detail.html",
        {
            "supervisee": supervisee,
            "hours": hours,
            "problem": problem,
            "detail": detail,
            "can_adjust": request.user.has_perm("supervision.adjust_hours", supervisee),
            "can_sign_off": request.user.has_perm("supervision.sign_off_hours", supervisee),
            # A period is signed off once it is over (the service refuses before).
            "period_over": hours.period_to <= clinic_today(supervisee.home_clinic),
            "sign_off_sentence": services.sign_off_sentence(hours),
            "period_query": _period_query(hours),
            "previous_month": selectors.month_key(previous),
            "next_month": selectors.month_key(following),
        },
    )


@staff_required
def hours_adjust(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
    """Correct the minutes a session counts for, with a reason (kept beside the original)."""
    note = selectors.hours_note_get_for(user=request.user, pk=note_id)
    if not request.user.has_perm("supervision.adjust_hours", note.author):
        raise PermissionDenied
    hours = selectors.hours_for(note.author, period_from=note.date, period_to=note.date)
    row = next(r for r in hours.sessions if r.note.pk == note.pk)
    form = HoursAdjustForm(request.POST or None, initial={"minutes": row.minutes})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.hours_adjust(
                    actor=actor_from_request(request),
                    note=note,
                    minutes=form.cleaned_data["minutes"],
                    reason=form.cleaned_data["reason"],
                    original_minutes=row.booked_minutes,
                )
            except services.HoursError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, "Minutes corrected; the original is kept beside them.")
                month = selectors.month_key(note.date)
                target = reverse("supervision:hours_of", args=[note.author_id])
                return redirect(f"{target}?month={month}")
        status = 400
    return render(
        request,
        "supervision/hours_adjust.html",
        {"form": form, "row": row, "supervisee": note.author},
        status=status,
    )


@login_required
@require_POST
def hours_sign_off(request: AuthenticatedHttpRequest, supervisee_id: int) -> HttpResponse:
    supervisee, hours, problem = _hours_of(request, supervisee_id, "supervision.sign_off_hours")
    target = reverse("supervision:hours_of", args=[supervisee.pk]) + "?" + _period_query(hours)
    if problem:
        messages.error(request, problem)
        return redirect(target)
    try:
        services.hours_sign_off(actor=actor_from_request(request, "supervisor"), hours=hours)
    except services.HoursError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Signed off.")
    return redirect(target)


def _export(request: AuthenticatedHttpRequest, supervisee_id: int, kind: str) -> HttpResponse:
    supervisee, hours, _problem = _hours_of(request, supervisee_id, "supervision.view_hours_detail")
    data = services.hours_export(actor=actor_from_request(request), hours=hours, kind=kind)
    name = f"practicum-hours-{supervisee.pk}-{hours.period_from}-{hours.period_to}.{kind}"
    content_type = "text/csv; charset=utf-8" if kind == "csv" else "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
def hours_csv(request: AuthenticatedHttpRequest, supervisee_id: int) -> HttpResponse:
    return _export(request, supervisee_id, "csv")


@staff_required
def hours_pdf(request: AuthenticatedHttpRequest, supervisee_id: int) -> HttpResponse:
    return _export(request, supervisee_id, "pdf")


# --- Certification -------------------------------------------------------------------------


@staff_required
def certification_progress(request: AuthenticatedHttpRequest, supervisee_id: int) -> HttpResponse:
    """A therapist's progress towards the clinic's certification standard, derived from
    their records; for them and their supervisors."""
    person = selectors.therapist_get_for(
        user=request.user, pk=supervisee_id, perm="supervision.view_certification"
    )
    return render(
        request,
        "supervision/certification.html",
        {"person": person, "progress": selectors.certification_progress(person)},
    )


# --- Supervisor's home ---------------------------------------------------------------------


@staff_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Supervision at a glance, one section per role the person holds: a therapist's own
    supervisors and records, a supervisor's supervisees, the clinic's counts."""
    user = request.user
    context: dict[str, object] = {}
    if user.is_therapist:
        context["my_supervisors"] = list(supervisors_of(user))
    if user.is_supervisor:
        context["supervisees"] = list(supervisees_of(user))
    if user.has_perm("supervision.view_clinic_counts"):
        context["counts"] = selectors.clinic_supervision_counts(
            user.home_clinic_id, today=clinic_today(user.home_clinic)
        )
    return render(request, "supervision/overview.html", context)
