"""Pages of a course's inventory, timeline, formulation and focus-area work.

Every view gets the course through `course_get_for` (404 for people who may not see it,
and a read in the access log); writes also need `courses.change_course` (403). Views parse
input and call one service; a FormulationError becomes a message beside the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from iptcare.audit.services import Actor, actor_from_request
from iptcare.clients.rules import acting_role
from iptcare.core.access import client_required
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.core.parsing import parse_id
from iptcare.courses.models import Course
from iptcare.courses.protocols import Phase
from iptcare.courses.selectors import course_get_for, course_position
from iptcare.formulation import charts, forms, selectors, services
from iptcare.formulation.catalogue import FocusArea
from iptcare.formulation.models import (
    CommunicationAnalysis,
    Episode,
    FocusAreaChoice,
    HomeworkTask,
    InventoryPerson,
    InventorySnapshot,
    LifeEvent,
    RolePlay,
)
from iptcare.formulation.services import FormulationError
from iptcare.overview.selectors import course_header_for
from iptcare.portal.selectors import person_suggestions_for

# --- Helpers -----------------------------------------------------------------------------


def _course(request: HttpRequest, course_id: int, *, change: bool = False) -> Course:
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    if change and not request.user.has_perm("courses.change_course", course):
        raise PermissionDenied
    return course


def _actor(request: HttpRequest, course: Course) -> Actor:
    return actor_from_request(request).as_role(acting_role(request.user, course.client))


def _can_change(request: HttpRequest, course: Course) -> bool:
    return bool(request.user.has_perm("courses.change_course", course))


def _writes_allowed(request: HttpRequest, course: Course) -> bool:
    """GET shows the page to the care team; a POST needs the right to change the course."""
    if request.method == "POST" and not _can_change(request, course):
        raise PermissionDenied
    return _can_change(request, course)


def _refused(form: Any, error: FormulationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def _saved(request: HttpRequest, form: Any, save: Callable[[], Any], *also: Any) -> Any:
    """On a valid POST, run `save` (one service call) and return what it saved.

    None means show the form again: a GET, input the form refuses, or a FormulationError,
    which becomes a message beside the field. `also` are formsets that must be valid too.
    """
    if request.method != "POST" or not all(f.is_valid() for f in (form, *also)):
        return None
    try:
        return save()
    except FormulationError as error:
        _refused(form, error)
        return None


def _fresh(record: Any) -> Any:
    """The record as stored: a valid ModelForm has already copied its input onto its own."""
    return type(record).objects.get(pk=record.pk)


def _update_fields(form: Any) -> dict[str, Any]:
    """The version the form started from (to refuse stale edits) and the fields to save."""
    return {"version": form.cleaned_data["version"], **form.service_fields()}


def _form_fields(form: Any) -> dict[str, Any]:
    return dict(form.service_fields())


def _created(
    request: HttpRequest,
    course: Course,
    form: Any,
    service: Callable[..., Any],
    *also: Any,
    fields: Callable[[Any], dict[str, Any]] = _form_fields,
) -> Any:
    """A create page's POST: the service gets the acting role, the course and the fields."""
    return _saved(
        request,
        form,
        lambda: service(actor=_actor(request, course), course=course, **fields(form)),
        *also,
    )


def _updated(
    request: HttpRequest,
    course: Course,
    form: Any,
    service: Callable[..., Any],
    *also: Any,
    fields: Callable[[Any], dict[str, Any]] = _form_fields,
    **record: Any,
) -> Any:
    """An edit page's POST: the service gets the record as stored (passed as its one keyword,
    e.g. person=...) and the version the form started from."""
    ((name, current),) = record.items()
    return _saved(
        request,
        form,
        lambda: service(
            actor=_actor(request, course),
            version=form.cleaned_data["version"],
            **{name: _fresh(current)},
            **fields(form),
        ),
        *also,
    )


def _read_only(form: Any) -> Any:
    for field in form.fields.values():
        field.disabled = True
    return form


def _form_page(
    request: HttpRequest,
    template: str,
    course: Course,
    form: Any,
    *,
    read_only: bool,
    **context: Any,
) -> HttpResponse:
    """A record's form page; people who may not change it (or an archived record) see it locked."""
    if read_only:
        _read_only(form)
    return _page(request, template, course, form=form, **context)


def _page(request: HttpRequest, template: str, course: Course, **context: Any) -> HttpResponse:
    header = course_header_for(course)
    return render(
        request,
        template,
        {
            "course": course,
            "client": course.client,
            "header": header,
            "position": header.position,
            **context,
        },
    )


def _default_session(course: Course) -> int:
    """The session being written up: an open draft note's number, else the next session."""
    from iptcare.courses.models import SessionNote

    draft = (
        SessionNote.objects.filter(course=course, status=SessionNote.Status.DRAFT)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return draft if draft is not None else course_position(course).number


def _one(model: Any, course: Course, pk: int) -> Any:
    record = model.objects.filter(course=course, pk=pk).first()
    if record is None:
        raise Http404
    return record


# --- Inventory ---------------------------------------------------------------------------


def _circle_people(people: list[InventoryPerson]) -> list[charts.CirclePerson]:
    return [
        charts.CirclePerson(
            name=p.name,
            relation=p.relation,
            ring=p.ring,
            support=p.support,
            conflict=p.conflict,
            confidant=p.confidant,
            past="" if p.is_current else p.status,
        )
        for p in people
    ]


@login_required
def inventory(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    people = list(selectors.inventory_people(course))
    archived = list(selectors.inventory_people(course, archived=True))
    circle = charts.closeness_circle(_circle_people(people), client_name=course.client.first_name)
    return _page(
        request,
        "formulation/inventory.html",
        course,
        people=people,
        archived=archived,
        circle=circle,
        snapshots=list(selectors.snapshots(course)),
        snapshot_form=forms.SnapshotForm(),
        can_change=_can_change(request, course),
        suggestions=person_suggestions_for(course),
    )


@login_required
def person_create(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    form = forms.PersonForm(request.POST or None)
    person = _created(request, course, form, services.person_create)
    if person:
        messages.success(request, f"{person.name} added to the inventory.")
        return redirect("formulation:inventory", course_id=course.pk)
    return _page(request, "formulation/person_form.html", course, form=form, person=None)


@login_required
def person_edit(request: AuthenticatedHttpRequest, course_id: int, person_id: int) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    person = _one(InventoryPerson, course, person_id)
    name = person.name  # as stored: a valid form copies the new name onto `person`
    form = forms.PersonForm(request.POST or None, instance=person)
    if _updated(request, course, form, services.person_update, person=person):
        messages.success(request, f"{name}: saved.")
        return redirect("formulation:inventory", course_id=course.pk)
    return _form_page(
        request,
        "formulation/person_form.html",
        course,
        form,
        read_only=not can_change or bool(person.archived_at),
        person=person,
        can_change=can_change,
    )


@login_required
@require_POST
def person_archive(
    request: AuthenticatedHttpRequest, course_id: int, person_id: int
) -> HttpResponse:
    course = _course(request, course_id, change=True)
    person = _one(InventoryPerson, course, person_id)
    actor = _actor(request, course)
    if request.POST.get("restore"):
        services.person_restore(actor=actor, person=person)
        messages.success(request, f"{person.name} is back in the inventory.")
    else:
        services.person_archive(actor=actor, person=person)
        messages.success(
            request, f"{person.name} archived. The record is kept and can be restored."
        )
    return redirect("formulation:inventory", course_id=course.pk)


@login_required
@require_POST
def snapshot_take(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    form = forms.SnapshotForm(request.POST)
    if form.is_valid():
        try:
            snapshot = services.snapshot_take(
                actor=_actor(request, course), course=course, kind=form.cleaned_data["kind"]
            )
        except FormulationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Snapshot taken: {snapshot.get_kind_display().lower()}, "
                f"{len(snapshot.people)} people.",
            )
    else:
        messages.error(request, "Choose when this snapshot is taken.")
    return redirect("formulation:inventory", course_id=course.pk)


@login_required
def inventory_compare(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    latest = selectors.latest_snapshots(course)
    before = latest.get(InventorySnapshot.Kind.INITIAL)
    after = latest.get(InventorySnapshot.Kind.TERMINATION)
    now_people = (
        after.people if after else [p.as_snapshot() for p in selectors.inventory_people(course)]
    )
    rows = selectors.compare_inventories(before.people if before else [], now_people)
    return _page(
        request,
        "formulation/inventory_compare.html",
        course,
        before=before,
        after=after,
        rows=rows,
    )


# --- Timeline ----------------------------------------------------------------------------


@login_required
def timeline(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    events = selectors.timeline_events(course)
    episodes = selectors.episodes(course)
    archived_events, archived_episodes = selectors.taken_off_timeline(course)
    # Adolescents (IPT-A) are measured with the PHQ-A; both are scored 0-27.
    code, score_name = ("phqa", "PHQ-A") if course.protocol == "ipt_a" else ("phq9", "PHQ-9")
    scores = selectors.symptom_scores(course, code)
    chart = charts.life_chart(
        events=[charts.ChartEvent(e.starts_on, e.label, e.ends_on) for e in events],
        episodes=[charts.ChartEpisode(p.starts_on, p.ends_on, p.is_current) for p in episodes],
        scores=scores,
        score_name=score_name,
        today=timezone.localdate(),
    )
    return _page(
        request,
        "formulation/timeline.html",
        course,
        events=events,
        episodes=episodes,
        scores=scores,
        score_name=score_name,
        chart=chart,
        onset=next((p.starts_on for p in episodes if p.is_current), None),
        can_change=_can_change(request, course),
        archived_events=archived_events,
        archived_episodes=archived_episodes,
    )


def _event_fields(form: forms.EventForm) -> dict[str, Any]:
    data = form.service_fields()
    data["people"] = list(data["people"])
    return data


@login_required
def event_create(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    form = forms.EventForm(request.POST or None, course=course)
    if _created(request, course, form, services.event_create, fields=_event_fields):
        messages.success(request, "Event added to the timeline.")
        return redirect("formulation:timeline", course_id=course.pk)
    return _page(request, "formulation/event_form.html", course, form=form, event=None)


@login_required
def event_edit(request: AuthenticatedHttpRequest, course_id: int, event_id: int) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    event = _one(LifeEvent, course, event_id)
    form = forms.EventForm(request.POST or None, instance=event, course=course)
    if _updated(request, course, form, services.event_update, fields=_event_fields, event=event):
        messages.success(request, "Event saved.")
        return redirect("formulation:timeline", course_id=course.pk)
    return _form_page(
        request,
        "formulation/event_form.html",
        course,
        form,
        read_only=not can_change or bool(event.archived_at),
        event=event,
        can_change=can_change,
    )


@login_required
@require_POST
def event_archive(request: AuthenticatedHttpRequest, course_id: int, event_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    event = _one(LifeEvent, course, event_id)
    if request.POST.get("restore"):
        services.event_restore(actor=_actor(request, course), event=event)
        messages.success(request, f"“{event.label}” is back on the timeline.")
    else:
        services.event_archive(actor=_actor(request, course), event=event)
        messages.success(
            request, f"“{event.label}” taken off the timeline (kept in the record; restorable)."
        )
    return redirect("formulation:timeline", course_id=course.pk)


@login_required
def episode_create(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    form = forms.EpisodeForm(request.POST or None)
    if _created(request, course, form, services.episode_create):
        messages.success(request, "Episode added to the timeline.")
        return redirect("formulation:timeline", course_id=course.pk)
    return _page(request, "formulation/episode_form.html", course, form=form, episode=None)


@login_required
def episode_edit(
    request: AuthenticatedHttpRequest, course_id: int, episode_id: int
) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    episode = _one(Episode, course, episode_id)
    form = forms.EpisodeForm(request.POST or None, instance=episode)
    if _updated(request, course, form, services.episode_update, episode=episode):
        messages.success(request, "Episode saved.")
        return redirect("formulation:timeline", course_id=course.pk)
    return _form_page(
        request,
        "formulation/episode_form.html",
        course,
        form,
        read_only=not can_change or bool(episode.archived_at),
        episode=episode,
        can_change=can_change,
    )


@login_required
@require_POST
def episode_archive(
    request: AuthenticatedHttpRequest, course_id: int, episode_id: int
) -> HttpResponse:
    course = _course(request, course_id, change=True)
    episode = _one(Episode, course, episode_id)
    if request.POST.get("restore"):
        services.episode_restore(actor=_actor(request, course), episode=episode)
        messages.success(request, "Episode back on the timeline, as an earlier episode.")
    else:
        services.episode_archive(actor=_actor(request, course), episode=episode)
        messages.success(
            request, "Episode taken off the timeline (kept in the record; restorable)."
        )
    return redirect("formulation:timeline", course_id=course.pk)


# --- Focus areas and formulation -----------------------------------------------------------


@login_required
def formulation(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    position = course_position(course)
    chosen = selectors.focus_areas(course)
    show_suggestion = position.phase is Phase.INITIAL
    suggestions = []
    if show_suggestion:
        suggestions = [
            (s, selectors.focus_area_label(s.area.value, course.clinic))
            for s in selectors.focus_suggestions(course)
        ]
    return _page(
        request,
        "formulation/formulation.html",
        course,
        chosen=[(c, selectors.focus_area_label(c.area, course.clinic)) for c in chosen],
        can_add_area=len(chosen) < services.MAX_FOCUS_AREAS,
        formulation=selectors.formulation_for(course),
        suggestions=suggestions,
        show_suggestion=show_suggestion,
        can_change=_can_change(request, course),
    )


@login_required
def formulation_edit(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    existing = selectors.formulation_for(course)
    form = forms.FormulationForm(request.POST or None, instance=existing)
    if _saved(
        request,
        form,
        lambda: services.formulation_save(
            actor=_actor(request, course), course=course, **_update_fields(form)
        ),
    ):
        messages.success(request, "Formulation and contract saved.")
        return redirect("formulation:formulation", course_id=course.pk)
    return _form_page(
        request,
        "formulation/formulation_form.html",
        course,
        form,
        read_only=not can_change,
        can_change=can_change,
    )


def _choice_fields(form: forms.FocusAreaForm) -> dict[str, Any]:
    # The area is fixed once chosen (its field is disabled): only the reasons change.
    return {"evidence": form.cleaned_data["evidence"], "goals": form.cleaned_data["goals"]}


@login_required
def focus_area_create(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    form = forms.FocusAreaForm(
        request.POST or None, course=course, initial={"area": request.GET.get("area", "")}
    )
    if _created(request, course, form, services.focus_area_choose):
        messages.success(request, "Focus area chosen.")
        return redirect("formulation:formulation", course_id=course.pk)
    return _page(request, "formulation/focus_area_form.html", course, form=form, choice=None)


@login_required
def focus_area_edit(
    request: AuthenticatedHttpRequest, course_id: int, focus_id: int
) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    choice = _one(FocusAreaChoice, course, focus_id)
    form = forms.FocusAreaForm(request.POST or None, instance=choice, course=course)
    if _updated(
        request, course, form, services.focus_area_update, fields=_choice_fields, choice=choice
    ):
        messages.success(request, "Focus area saved.")
        return redirect("formulation:formulation", course_id=course.pk)
    return _form_page(
        request,
        "formulation/focus_area_form.html",
        course,
        form,
        read_only=not can_change or bool(choice.archived_at),
        choice=choice,
        label=selectors.focus_area_label(choice.area, course.clinic),
        can_change=can_change,
    )


@login_required
@require_POST
def focus_area_remove(
    request: AuthenticatedHttpRequest, course_id: int, focus_id: int
) -> HttpResponse:
    course = _course(request, course_id, change=True)
    choice = _one(FocusAreaChoice, course, focus_id)
    services.focus_area_remove(actor=_actor(request, course), choice=choice)
    messages.success(request, "Focus area removed from the course. Its work is kept.")
    return redirect("formulation:formulation", course_id=course.pk)


# --- Focus-area work ---------------------------------------------------------------------


@login_required
def focus(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    """The course's focus-area work in one place: workspaces, analyses, role-plays, homework."""
    course = _course(request, course_id)
    chosen = {c.area for c in selectors.focus_areas(course)}
    areas = [
        {
            "code": area.value,
            "label": selectors.focus_area_label(area.value, course.clinic),
            "url_name": selectors.WORKSPACE_URL_NAMES[area],
            "chosen": area.value in chosen,
        }
        for area in FocusArea
    ]
    return _page(
        request,
        "formulation/focus.html",
        course,
        areas=areas,
        analyses=list(selectors.analyses(course)),
        roleplays=list(selectors.roleplays(course)),
        homework=list(selectors.homework(course)),
        can_change=_can_change(request, course),
    )


def _workspace(request: HttpRequest, course_id: int, area: FocusArea) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    work: Any = selectors.workspace_for(course, area)
    form_class = forms.WORKSPACE_FORMS[area]
    initial = {"session_number": _default_session(course)}
    form = form_class(request.POST or None, instance=work, course=course, initial=initial)
    if _saved(
        request,
        form,
        lambda: services.workspace_save(
            actor=_actor(request, course),
            course=course,
            area=area,
            session_number=form.cleaned_data["session_number"],
            **_update_fields(form),
        ),
    ):
        messages.success(request, "Saved.")
        return redirect(selectors.WORKSPACE_URL_NAMES[area], course_id=course.pk)
    chosen = any(c.area == area.value for c in selectors.focus_areas(course))
    context: dict[str, Any] = {}
    if area is FocusArea.ROLE_DISPUTE:
        context["stages"] = list(work.stages.select_related("by")) if work else []
        context["stage_form"] = forms.StageForm(
            initial={"changed_on": timezone.localdate(), "stage": work.stage if work else None}
        )
    return _form_page(
        request,
        f"formulation/work_{area.value}.html",
        course,
        form,
        read_only=not can_change,
        work=work,
        area=area.value,
        label=selectors.focus_area_label(area.value, course.clinic),
        chosen=chosen,
        can_change=can_change,
        **context,
    )


@login_required
def grief(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    return _workspace(request, course_id, FocusArea.GRIEF)


@login_required
def role_dispute(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    return _workspace(request, course_id, FocusArea.ROLE_DISPUTE)


@login_required
def role_transition(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    return _workspace(request, course_id, FocusArea.ROLE_TRANSITION)


@login_required
def deficits(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    return _workspace(request, course_id, FocusArea.INTERPERSONAL_DEFICITS)


@login_required
@require_POST
def dispute_stage(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    form = forms.StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stage and the date it began.")
    else:
        try:
            services.dispute_stage_change(
                actor=_actor(request, course), course=course, **form.cleaned_data
            )
        except FormulationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Stage recorded.")
    return redirect("formulation:role_dispute", course_id=course.pk)


# --- Communication analysis ------------------------------------------------------------------


def _turns(formset: Any) -> list[dict[str, str]]:
    return [form.cleaned_data for form in formset.forms if form.cleaned_data]


@login_required
def analysis_create(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    form = forms.AnalysisForm(
        request.POST or None, course=course, initial={"session_number": _default_session(course)}
    )
    turns = forms.turn_formset(request.POST or None, [])
    analysis = _created(
        request,
        course,
        form,
        services.analysis_create,
        turns,
        fields=lambda form: {"turns": _turns(turns), **form.service_fields()},
    )
    if analysis:
        messages.success(request, "Communication analysis saved.")
        return redirect("formulation:analysis", course_id=course.pk, analysis_id=analysis.pk)
    return _page(
        request,
        "formulation/analysis.html",
        course,
        form=form,
        turns=turns,
        analysis=None,
        can_change=True,
    )


@login_required
def analysis(request: AuthenticatedHttpRequest, course_id: int, analysis_id: int) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    record = _one(CommunicationAnalysis, course, analysis_id)
    form = forms.AnalysisForm(request.POST or None, instance=record, course=course)
    turns = forms.turn_formset(request.POST or None, record.turns)
    if _updated(
        request,
        course,
        form,
        services.analysis_update,
        turns,
        fields=lambda form: {"turns": _turns(turns), **form.service_fields()},
        analysis=record,
    ):
        messages.success(request, "Communication analysis saved.")
        return redirect("formulation:analysis", course_id=course.pk, analysis_id=record.pk)
    if not can_change:
        _read_only(form)
        for turn in turns.forms:
            _read_only(turn)
    return _page(
        request,
        "formulation/analysis.html",
        course,
        form=form,
        turns=turns,
        analysis=record,
        roleplays=list(record.roleplays.filter(archived_at__isnull=True)),
        can_change=can_change,
    )


@login_required
@require_POST
def analysis_roleplay(
    request: AuthenticatedHttpRequest, course_id: int, analysis_id: int
) -> HttpResponse:
    course = _course(request, course_id, change=True)
    record = _one(CommunicationAnalysis, course, analysis_id)
    roleplay = services.analysis_to_roleplay(
        actor=_actor(request, course), analysis=record, session_number=_default_session(course)
    )
    messages.success(request, "Role-play planned from the analysis. Fill in how it went.")
    return redirect("formulation:roleplay", course_id=course.pk, roleplay_id=roleplay.pk)


# --- Role-play and homework ------------------------------------------------------------------


@login_required
def roleplay_create(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    form = forms.RolePlayForm(
        request.POST or None, initial={"session_number": _default_session(course)}
    )
    roleplay = _created(request, course, form, services.roleplay_create)
    if roleplay:
        messages.success(request, "Role-play saved.")
        return redirect("formulation:roleplay", course_id=course.pk, roleplay_id=roleplay.pk)
    return _page(
        request, "formulation/roleplay.html", course, form=form, roleplay=None, can_change=True
    )


@login_required
def roleplay(request: AuthenticatedHttpRequest, course_id: int, roleplay_id: int) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    record = _one(RolePlay, course, roleplay_id)
    form = forms.RolePlayForm(request.POST or None, instance=record)
    if _updated(request, course, form, services.roleplay_update, roleplay=record):
        messages.success(request, "Role-play saved.")
        return redirect("formulation:focus", course_id=course.pk)
    return _form_page(
        request,
        "formulation/roleplay.html",
        course,
        form,
        read_only=not can_change,
        roleplay=record,
        can_change=can_change,
    )


@login_required
def homework(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    return _page(
        request,
        "formulation/homework.html",
        course,
        tasks=list(selectors.homework(course)),
        can_change=_can_change(request, course),
    )


@login_required
def homework_create(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id, change=True)
    form = forms.HomeworkForm(
        request.POST or None, initial={"set_at_session": _default_session(course)}
    )
    if _created(request, course, form, services.homework_create):
        messages.success(request, "Homework set.")
        return redirect("formulation:homework", course_id=course.pk)
    return _page(
        request, "formulation/homework_form.html", course, form=form, task=None, can_change=True
    )


@login_required
def homework_edit(
    request: AuthenticatedHttpRequest, course_id: int, homework_id: int
) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    task = _one(HomeworkTask, course, homework_id)
    form = forms.HomeworkForm(request.POST or None, instance=task)
    if _updated(request, course, form, services.homework_update, homework=task):
        messages.success(request, "Homework saved.")
        return redirect("formulation:homework", course_id=course.pk)
    return _form_page(
        request,
        "formulation/homework_form.html",
        course,
        form,
        read_only=not can_change,
        task=task,
        practice=list(task.practice.select_related("by")),
        can_change=can_change,
    )


# --- Termination -------------------------------------------------------------------------


@login_required
def termination(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    can_change = _writes_allowed(request, course)
    record = selectors.termination_for(course)
    form = forms.TerminationForm(request.POST or None, instance=record)
    if _saved(
        request,
        form,
        lambda: services.termination_save(
            actor=_actor(request, course), course=course, **_update_fields(form)
        ),
    ):
        messages.success(request, "Termination record saved.")
        return redirect("formulation:termination", course_id=course.pk)
    return _form_page(
        request,
        "formulation/termination.html",
        course,
        form,
        read_only=not can_change,
        record=record,
        review=selectors.progress_review(course),
        can_change=can_change,
    )


# --- Portal (wired by the portal app) --------------------------------------------------------


@client_required
def portal_homework(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The client's own tasks and their practice log, with a form to report on each.

    Not routed here: the portal app includes it under its own URL (it needs no course id).
    """
    from iptcare.clients.selectors import own_record_for

    actor = actor_from_request(request, "client")
    client = own_record_for(actor=actor)
    report_form = forms.PracticeReportForm()
    failed_task_id = None
    if request.method == "POST":
        report_form = forms.PracticeReportForm(request.POST)
        task_id = parse_id(request.POST.get("task"))
        task = (
            HomeworkTask.objects.filter(course__client=client, visible_to_client=True, pk=task_id)
            .select_related("course__client")
            .first()
            if task_id is not None
            else None
        )
        if task is None:
            raise Http404
        if report_form.is_valid():
            try:
                services.homework_report(actor=actor, homework=task, **report_form.cleaned_data)
            except FormulationError as error:
                _refused(report_form, error)
            else:
                messages.success(request, "Thank you: your note is saved for your therapist.")
                return redirect(request.path)
        failed_task_id = task.pk
    return render(
        request,
        "formulation/portal_homework.html",
        {
            "client": client,
            "tasks": selectors.homework_for_client(client),
            "report_form": report_form,
            "failed_task_id": failed_task_id,
        },
    )
