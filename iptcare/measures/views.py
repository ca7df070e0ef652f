"""Pages for questionnaires: the client's portal forms, the therapist's course view,
"hand the device to the client" mode, item-by-item answers and risk flags. Thin: parse,
get the object through a choke point, call one service, render."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from iptcare.accounts.models import Role
from iptcare.audit.services import Actor, actor_from_request
from iptcare.clients.selectors import own_record_for
from iptcare.core.access import administrator_required, client_required
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.core.parsing import parse_choice, without_nul
from iptcare.courses.models import Course
from iptcare.courses.selectors import course_get_for, course_visit
from iptcare.formulation.selectors import life_events_for_chart
from iptcare.measures import handover, instruments, portal, scoring
from iptcare.measures.instruments import NOT_APPLICABLE, Instrument
from iptcare.measures.models import FlagAction, PlanItem
from iptcare.measures.scoring import ScoringError
from iptcare.measures.selectors import (
    clinic_instruments,
    course_measures,
    enabled_codes,
    flag_get_for,
    plan_for,
    raised_before_sending,
    response_get_for,
)
from iptcare.measures.services import (
    MeasureError,
    clinic_instrument_set,
    flag_resolve,
    plan_set,
    response_submit,
    risk_flag_before_sending,
)
from iptcare.overview.selectors import course_header_for

# --- the answer form (shared by the portal and "hand the device" mode) --------------------


@dataclass
class FormOption:
    value: str
    label: str
    checked: bool


@dataclass
class FormQuestion:
    name: str
    number: str
    text: str
    options: list[FormOption]
    error: str = ""
    risk: bool = False
    # The crisis card goes right under the first question whose answer raised it.
    crisis: bool = False
    ref: int | str = 0


def _questions(
    instrument: Instrument, values: dict[str, str], *, ipt_a: bool
) -> list[FormQuestion]:
    questions = []
    for item in instrument.items:
        name = f"item_{item.number}"
        options = [
            FormOption(str(n), option.label, values.get(name) == str(n))
            for n, option in enumerate(item.options)
            # IPT-A rates mood 1–10: the 0 option is not on their scale.
            if not (instrument.code == "mood" and ipt_a and n == 0)
        ]
        if item.not_applicable:
            options.append(
                FormOption(NOT_APPLICABLE, item.not_applicable, values.get(name) == NOT_APPLICABLE)
            )
        number = str(item.number) if instrument.item_count > 1 else ""
        risk = any(rule.item == item.number for rule in instrument.risk_items)
        questions.append(FormQuestion(name, number, item.text, options, risk=risk, ref=item.number))
    for extra in instrument.extras:
        name = f"extra_{extra.key}"
        if extra.kind == "yes_no":
            options = [
                FormOption("yes", "Yes", values.get(name) == "yes"),
                FormOption("no", "No", values.get(name) == "no"),
            ]
        else:
            options = [
                FormOption(str(n), option.label, values.get(name) == str(n))
                for n, option in enumerate(extra.options)
            ]
        questions.append(
            FormQuestion(name, "", extra.text, options, risk=extra.risk_if_yes, ref=extra.key)
        )
    return questions


def _form_values(instrument: Instrument, data) -> dict[str, str]:
    names = [f"item_{i.number}" for i in instrument.items] + [
        f"extra_{e.key}" for e in instrument.extras
    ]
    return {name: data.get(name, "").strip() for name in names if data.get(name, "").strip()}


def _parse(
    instrument: Instrument, values: dict[str, str]
) -> tuple[list[object], dict[str, object], dict[str, str]]:
    """Form values to scoring input, with an error beside each impossible answer."""
    answers: list[object] = []
    errors: dict[str, str] = {}
    for item in instrument.items:
        name = f"item_{item.number}"
        raw = values.get(name, "")
        if raw == "":
            answers.append(None)
        elif raw == NOT_APPLICABLE and item.not_applicable:
            answers.append(NOT_APPLICABLE)
        elif (position := parse_choice(raw, len(item.options))) is not None:
            answers.append(position)
        else:
            errors[name] = "Choose one of the answers shown."
            answers.append(None)
    extras: dict[str, object] = {}
    for extra in instrument.extras:
        name = f"extra_{extra.key}"
        raw = values.get(name, "")
        if raw == "":
            extras[extra.key] = None
        elif extra.kind == "yes_no" and raw in ("yes", "no"):
            extras[extra.key] = raw == "yes"
        elif (
            extra.kind == "choice" and (chosen := parse_choice(raw, len(extra.options))) is not None
        ):
            extras[extra.key] = chosen
        else:
            errors[name] = "Choose one of the answers shown."
    return answers, extras, errors


def _known_instrument_or_404(code: str) -> Instrument:
    if code not in {i.code for i in instruments.ALL}:
        raise Http404
    return instruments.get(code)


def _instrument_or_404(code: str, clinic_id: int) -> Instrument:
    if code not in enabled_codes(clinic_id):
        raise Http404
    return instruments.get(code)


def _form_context(
    instrument: Instrument,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    ipt_a: bool,
    crisis_state: str = "not_sent",
) -> dict[str, object]:
    """The form's questions with their answers and errors, and the crisis card under the
    first answer that touches a safety item. `crisis_state` says what the card may
    truthfully promise: "flagged" (the therapist has been told) or "not_sent"."""
    questions = _questions(instrument, values, ipt_a=ipt_a)
    for question in questions:
        question.error = errors.get(question.name, "")
    answers, extras, _ = _parse(instrument, values)
    risky = set(scoring.risky_items(instrument, answers, extras=extras))
    first = next((q for q in questions if q.risk and q.ref in risky), None)
    if first is not None:
        first.crisis = True
    return {
        "instrument": instrument,
        "questions": questions,
        "risky": first is not None,
        "crisis_state": crisis_state,
        "unanswered": [
            q.number or q.text
            for q in questions
            if q.name.startswith("item_") and q.name not in values
        ],
    }


def _raise_before_sending(
    request: HttpRequest, course: Course, instrument: Instrument, values: dict[str, str], key: str
) -> str:
    """Received answers that touch a safety item raise the flag now where the clinic chose
    so; what the crisis card may then say ("flagged" or "not_sent")."""
    answers, extras, _ = _parse(instrument, values)
    flag = risk_flag_before_sending(
        actor=actor_from_request(request),
        course=course,
        code=instrument.code,
        answers=answers,
        extras=extras,
        key=key,
    )
    return "flagged" if flag is not None else "not_sent"


def _submit(
    request: HttpRequest,
    *,
    course: Course,
    instrument: Instrument,
    session_number: int,
    values: dict[str, str],
    key: str,
    administered: str,
    actor: Actor | None = None,
) -> tuple[object | None, dict[str, str], str]:
    """Returns (response or None, field errors, form error)."""
    answers, extras, errors = _parse(instrument, values)
    if errors:
        return None, errors, "Some answers could not be read; please choose again where marked."
    unanswered = [a for a in answers if a is None]
    if unanswered and request.POST.get("confirm_missing") != "1":
        return None, {}, "missing"
    try:
        response = response_submit(
            actor=actor or actor_from_request(request),
            course=course,
            code=instrument.code,
            answers=answers,  # type: ignore[arg-type]  # None stands for a skipped item; the service scores it so
            extras=extras,
            session_number=session_number,
            idempotency_key=key,
            administered=administered,
        )
    except (ScoringError, MeasureError) as error:
        return None, {}, str(error)
    return response, {}, ""


# --- the client's portal -------------------------------------------------------------------


@client_required
def my_measures(request: AuthenticatedHttpRequest) -> HttpResponse:
    client = own_record_for(actor=actor_from_request(request))
    state = portal.portal_state(client)
    progress = portal.my_progress(state.course) if state.course else []
    return render(
        request, "measures/my.html", {"client": client, "state": state, "progress": progress}
    )


def _draft_key(course: Course, code: str, session_number: int) -> str:
    return f"measures-draft:{course.pk}:{code}:{session_number}"


@client_required
def my_answer(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    client = own_record_for(actor=actor_from_request(request))
    instrument = _instrument_or_404(code, client.clinic_id)
    state = portal.portal_state(client)
    course = state.course
    base = {"client": client, "instrument": instrument, "state": state}
    if course is None or not any(m.code == code for m in state.due):
        return render(request, "measures/my_not_due.html", base)
    session_number = state.session_number
    draft_key = _draft_key(course, code, session_number)
    draft = request.session.get(draft_key) or {"key": uuid.uuid4().hex, "values": {}}
    ipt_a = course.protocol == "ipt_a"
    if request.method == "POST":
        values = _form_values(instrument, request.POST)
        response, errors, problem = _submit(
            request,
            course=course,
            instrument=instrument,
            session_number=session_number,
            values=values,
            key=request.POST.get("key", ""),
            administered="portal",
        )
        if response is not None:
            request.session.pop(draft_key, None)
            return render(request, "measures/my_done.html", {**base, "response": response})
        request.session[draft_key] = {"key": draft["key"], "values": values}
        state_now = _raise_before_sending(request, course, instrument, values, draft["key"])
        context = {
            **base,
            **_form_context(instrument, values, errors, ipt_a=ipt_a, crisis_state=state_now),
            "key": draft["key"],
        }
        context["problem"] = problem
        return render(
            request, "measures/my_answer.html", context, status=200 if problem == "missing" else 400
        )
    request.session[draft_key] = draft
    told = draft["values"] and raised_before_sending(course, draft["key"])
    context = {
        **base,
        **_form_context(
            instrument,
            draft["values"],
            {},
            ipt_a=ipt_a,
            crisis_state="flagged" if told else "not_sent",
        ),
        "key": draft["key"],
    }
    return render(request, "measures/my_answer.html", context)


@login_required
@require_POST
@client_required
def my_save(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """htmx: keep the answers so far (in the client's session) and show crisis resources
    as soon as a safety item is answered."""
    client = own_record_for(actor=actor_from_request(request))
    instrument = _instrument_or_404(code, client.clinic_id)
    state = portal.portal_state(client)
    if state.course is None or not any(m.code == code for m in state.due):
        raise Http404
    draft_key = _draft_key(state.course, code, state.session_number)
    draft = request.session.get(draft_key) or {"key": request.POST.get("key") or uuid.uuid4().hex}
    values = _form_values(instrument, request.POST)
    request.session[draft_key] = {"key": draft["key"], "values": values}
    state_now = _raise_before_sending(request, state.course, instrument, values, draft["key"])
    context = _form_context(
        instrument,
        values,
        {},
        ipt_a=state.course.protocol == "ipt_a",
        crisis_state=state_now,
    )
    return render(
        request, "measures/_live.html", {**context, "saved": True, "answered": len(values)}
    )


# --- the care team's pages -----------------------------------------------------------------


@login_required
def course_page(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    summary = course_measures(course, life_events=life_events_for_chart(course))
    can_give = request.user.has_perm("measures.administer", course)
    give = (
        [i for i in (instruments.get(c) for c in enabled_codes(course.clinic_id))]
        if can_give
        else []
    )
    return render(
        request,
        "measures/course.html",
        {
            "course": course,
            "header": course_header_for(course),
            "client": course.client,
            "m": summary,
            "give": give,
            "can_give": can_give,
            "can_plan": can_give,
        },
    )


@login_required
def response_page(request: AuthenticatedHttpRequest, response_id: int) -> HttpResponse:
    response = response_get_for(actor=actor_from_request(request), pk=response_id)
    instrument = response.instrument
    by_number = {a.item_number: a for a in response.answers.all()}
    rows = []
    for item in instrument.items:
        answer = by_number.get(item.number)
        if answer is None or (answer.position is None and not answer.not_applicable):
            chosen = "— skipped"
        elif answer.not_applicable:
            chosen = "Not applicable"
        else:
            chosen = item.options[answer.position].label
        rows.append(
            {
                "number": item.number,
                "text": item.text,
                "chosen": chosen,
                "score": answer.score if answer else None,
                "risk": item.number in response.risk_items,
            }
        )
    extras = []
    for extra in instrument.extras:
        if extra.key not in response.extras:
            value = "— skipped"
        elif extra.kind == "yes_no":
            value = "Yes" if response.extras[extra.key] else "No"
        else:
            value = next(o.label for o in extra.options if o.score == response.extras[extra.key])
        extras.append(
            {"text": extra.text, "value": value, "risk": extra.key in response.risk_items}
        )
    return render(
        request,
        "measures/response.html",
        {
            "response": response,
            "course": response.course,
            "header": course_header_for(response.course),
            "client": response.course.client,
            "rows": rows,
            "extras": extras,
            "instrument": instrument,
        },
    )


@login_required
def administer(request: AuthenticatedHttpRequest, course_id: int, code: str) -> HttpResponse:
    """ "Hand the device to the client": one questionnaire on a page with nothing else.

    One access entry per request: a stored answer's own "create" (written by
    `response_submit` in the role that grants access), else a read of the course (the form,
    refused answers, a 403). `course_visit` keeps that count.
    """
    with course_visit(actor=actor_from_request(request), pk=course_id) as visit:
        course = visit.course
        if not request.user.has_perm("measures.administer", course):
            raise PermissionDenied
        if request.method != "POST":
            instrument = _instrument_or_404(code, course.clinic_id)
            if handover.handover_of(request) is None:
                # From here on this browser shows nothing else until the password.
                handover.handover_start(request, course_id=course.pk, code=code)
            return _administer_form(request, course, instrument, {}, {}, "")
        # Sending answers: the service refuses a questionnaire the clinic has turned off
        # (the page says so); asking here too would read the clinic's choices twice.
        instrument = _known_instrument_or_404(code)
        values = _form_values(instrument, request.POST)
        response, errors, problem = _submit(
            request,
            course=course,
            instrument=instrument,
            session_number=portal.session_for_answers(course, in_session=True),
            values=values,
            key=request.POST.get("key", ""),
            administered="in_session",
            actor=visit.actor,
        )
        if response is None:
            return _administer_form(request, course, instrument, values, errors, problem)
        visit.written()
        return render(
            request,
            "measures/administer_done.html",
            {"course": course, "instrument": instrument, "response": response},
        )


@login_required
def handover_leave(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The way out of "hand the device to the client": the therapist's password (or their
    two-step code). Shows no client and no record."""
    if handover.handover_of(request) is None:
        return redirect("home:index")
    error = ""
    if request.method == "POST":
        try:
            course_id = handover.handover_end(
                request, user=request.user, secret=request.POST.get("secret", "")
            )
        except handover.HandoverError as refused:
            if not request.user.is_authenticated:  # logged out after too many tries
                messages.error(request, str(refused))
                return redirect("accounts:login")
            error = str(refused)
        else:
            return redirect("measures:course", course_id=course_id)
    return render(
        request,
        "measures/handover_end.html",
        {"uses_code": request.user.two_factor_enabled, "error": error},
        status=400 if error else 200,
    )


def _administer_form(
    request: HttpRequest,
    course: Course,
    instrument: Instrument,
    values: dict[str, str],
    errors: dict[str, str],
    problem: str,
) -> HttpResponse:
    ipt_a = course.protocol == "ipt_a"
    base = {"course": course, "instrument": instrument}
    if request.method == "POST":
        context = {**base, **_form_context(instrument, values, errors, ipt_a=ipt_a)}
        context.update(problem=problem, key=request.POST.get("key") or uuid.uuid4().hex)
        return render(
            request,
            "measures/administer.html",
            context,
            status=200 if problem == "missing" else 400,
        )
    context = {**base, **_form_context(instrument, {}, {}, ipt_a=ipt_a), "key": uuid.uuid4().hex}
    return render(request, "measures/administer.html", context)


@login_required
def flag_page(request: AuthenticatedHttpRequest, flag_id: int) -> HttpResponse:
    flag = flag_get_for(actor=actor_from_request(request), pk=flag_id)
    may_close = request.user.has_perm("measures.resolve_flag", flag.course)
    error = ""
    if request.method == "POST":
        if not may_close:
            raise PermissionDenied
        try:
            flag_resolve(
                actor=actor_from_request(request),
                flag=flag,
                action=request.POST.get("action", ""),
                note=without_nul(request.POST.get("note")),
            )
        except MeasureError as problem:
            error = str(problem)
        else:
            messages.success(request, "Flag closed; what you did is recorded.")
            return redirect(
                request.POST.get("next", "")
                if _safe_next(request)
                else reverse("measures:flag", args=[flag.pk])
            )
    return render(
        request,
        "measures/flag.html",
        {
            "flag": flag,
            "course": flag.course,
            "header": course_header_for(flag.course),
            "client": flag.client,
            "may_close": may_close,
            "kinds": FlagAction.Kind.choices,
            "error": error,
            "chosen": request.POST.get("action", ""),
            "note": request.POST.get("note", ""),
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
        status=400 if error else 200,
    )


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/") and not target.startswith("//")


@login_required
def plan_page(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = course_get_for(actor=actor_from_request(request), pk=course_id)
    if not request.user.has_perm("measures.administer", course):
        raise PermissionDenied
    codes = enabled_codes(course.clinic_id)
    current = {p.code: p.when for p in plan_for(course)}
    error = ""
    if request.method == "POST":
        chosen = [
            (code, request.POST.get(f"when_{code}", ""))
            for code in codes
            if request.POST.get(f"when_{code}")
        ]
        try:
            plan_set(actor=actor_from_request(request), course=course, items=chosen)
        except MeasureError as problem:
            error = str(problem)
            current = dict(chosen)
        else:
            messages.success(request, "Measurement plan saved.")
            return redirect("measures:course", course_id=course.pk)
    rows = [{"instrument": instruments.get(code), "when": current.get(code, "")} for code in codes]
    return render(
        request,
        "measures/plan.html",
        {
            "course": course,
            "header": course_header_for(course),
            "client": course.client,
            "rows": rows,
            "choices": PlanItem.When.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- the clinic's instruments (administrators) ---------------------------------------------


@administrator_required
def instruments_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which questionnaires the clinic uses. EPDS stays off until an administrator turns it
    on, having read its licence note."""
    user = request.user
    error, status = "", 200
    if request.method == "POST":
        code = request.POST.get("code", "")
        wanted = request.POST.get("enabled", "")
        try:
            if wanted not in ("on", "off"):
                raise MeasureError("Choose whether to turn the questionnaire on or off.")
            clinic_instrument_set(
                actor=actor_from_request(request, role=Role.ADMINISTRATOR),
                clinic_id=user.home_clinic_id,
                code=code,
                enabled=wanted == "on",
            )
        except MeasureError as problem:
            error, status = str(problem), 400
        else:
            name = instruments.get(code).short_name
            messages.success(request, f"{name} turned {wanted}.")
            return redirect("measures:instruments")
    return render(
        request,
        "measures/instruments.html",
        {"choices": clinic_instruments(user.home_clinic_id), "error": error},
        status=status,
    )
