"""Report, letter, export and outcomes pages: thin views over services and selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from iptcare.accounts.models import User
from iptcare.audit.services import actor_from_request
from iptcare.core.access import staff_required, user_of
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.courses.selectors import clinic_today
from iptcare.reports import selectors, services
from iptcare.reports.forms import OutcomePeriodForm

# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------


COURSES_PER_PAGE = 50


def _outcomes_viewer(request: AuthenticatedHttpRequest) -> User:
    viewer = user_of(request)
    if not viewer.has_perm("reports.view_clinic_outcomes"):
        raise PermissionDenied
    return viewer


def _period_form(request: AuthenticatedHttpRequest, viewer: User) -> OutcomePeriodForm:
    today = clinic_today(viewer.home_clinic)
    # Without a period asked for, the last twelve months up to the clinic's today.
    data = {"start": (today - timedelta(days=365)).isoformat(), "end": today.isoformat()}
    data.update({k: request.GET[k] for k in ("start", "end", "therapist") if k in request.GET})
    return OutcomePeriodForm(data, therapists=selectors.therapists_to_choose(viewer), today=today)


@dataclass(frozen=True)
class _Period:
    start: date
    end: date
    therapist: User | None

    @property
    def query(self) -> dict[str, str]:
        asked = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.therapist is not None:
            asked["therapist"] = str(self.therapist.pk)
        return asked


def _period(form: OutcomePeriodForm) -> _Period | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return _Period(data["start"], data["end"], data.get("therapist"))


@dataclass(frozen=True)
class _Cell:
    figure: selectors.Figure
    href: str


@dataclass(frozen=True)
class _Row:
    group: selectors.OutcomeGroup
    cells: list[_Cell]


@dataclass(frozen=True)
class _Bar:
    label: str
    percent: int
    text: str
    y: int


@dataclass(frozen=True)
class _Chart:
    title: str
    bars: list[_Bar]

    @property
    def height(self) -> int:
        return 24 * len(self.bars)


def _bars(title: str, items: list[tuple[str, selectors.Figure]]) -> _Chart:
    """Horizontal bars of an SVG 24 px apart: the label, its rate and its counts."""
    return _Chart(
        title,
        [
            _Bar(
                label,
                figure.percent or 0,
                f"{figure.percent}% ({figure.numerator} of {figure.denominator})"
                if figure.percent is not None
                else "nothing to count",
                24 * i,
            )
            for i, (label, figure) in enumerate(items)
        ],
    )


@staff_required
def clinic_outcomes(request: AuthenticatedHttpRequest) -> HttpResponse:
    viewer = _outcomes_viewer(request)
    form = _period_form(request, viewer)
    period = _period(form)
    sections: list[tuple[str, list[_Row], _Chart]] = []
    overall: _Row | None = None
    overall_chart: _Chart | None = None
    query = ""
    if period is not None:
        groups = selectors.clinic_outcomes(
            viewer=viewer, start=period.start, end=period.end, therapist=period.therapist
        )
        services.outcomes_view(
            actor=actor_from_request(request),
            start=period.start,
            end=period.end,
            therapist_id=period.therapist.pk if period.therapist else None,
        )
        query = urlencode(period.query)
        courses_url = reverse("reports:outcome_courses")
        rows = [
            _Row(
                group,
                [
                    _Cell(
                        figure,
                        f"{courses_url}?"
                        + urlencode(
                            {
                                **period.query,
                                "figure": figure.key,
                                "dimension": group.dimension,
                                "key": group.key,
                            }
                        ),
                    )
                    for figure in group.figures
                ],
            )
            for group in groups
        ]
        overall = rows[0]
        overall_chart = _bars(
            "Each figure of the period, in percent", [(f.label, f) for f in groups[0].figures]
        )
        for dimension, title in selectors.DIMENSIONS.items():
            if dimension == "all":
                continue
            in_it = [row for row in rows if row.group.dimension == dimension]
            bars = _bars(
                f"Recovery rate, {title.lower()}, in percent",
                [(row.group.label, row.group.figure("recovery")) for row in in_it],
            )
            sections.append((title, in_it, bars))
    return render(
        request,
        "reports/outcomes_page.html",
        {
            "form": form,
            "period": period,
            "overall": overall,
            "overall_chart": overall_chart,
            "sections": sections,
            "figure_rules": selectors.FIGURES,
            "query": query,
        },
    )


@staff_required
def clinic_outcomes_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    viewer = _outcomes_viewer(request)
    form = _period_form(request, viewer)
    period = _period(form)
    if period is None:
        # The page says what is wrong beside the field; the file would say nothing.
        return clinic_outcomes(request)
    groups = selectors.clinic_outcomes(
        viewer=viewer, start=period.start, end=period.end, therapist=period.therapist
    )
    data = services.outcomes_export(
        actor=actor_from_request(request),
        groups=groups,
        start=period.start,
        end=period.end,
        therapist_id=period.therapist.pk if period.therapist else None,
    )
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    name = f"clinic-outcomes-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
def outcome_courses(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The courses behind one figure of one group: its denominator, each marked when it
    is counted in the numerator; a course links to its page only for those who may open
    it."""
    viewer = _outcomes_viewer(request)
    figure = request.GET.get("figure", "recovery")
    dimension = request.GET.get("dimension", "all")
    key = request.GET.get("key", "all")
    if figure not in selectors.FIGURE_RULES:
        raise Http404
    form = _period_form(request, viewer)
    period = _period(form)
    page = None
    items: list[tuple[object, bool, bool]] = []
    group_label = ""
    if period is not None:
        courses = selectors.outcome_courses(
            viewer=viewer, start=period.start, end=period.end, therapist=period.therapist
        )
        where = selectors.group_filter(dimension, key)
        if where is None:
            raise Http404
        group_label = selectors.group_label(viewer, dimension, key)
        behind = selectors.courses_behind(courses, figure=figure, where=where)
        page = Paginator(behind, COURSES_PER_PAGE).get_page(request.GET.get("page"))
        services.outcomes_view(
            actor=actor_from_request(request),
            start=period.start,
            end=period.end,
            therapist_id=period.therapist.pk if period.therapist else None,
            what=f"courses behind {figure} ({dimension} {key})"[:120],
        )
        # Bounded by the page's 50 rows, not by the number of courses.
        items = [
            (course, course.counted, viewer.has_perm("courses.view_course", course))  # type: ignore[attr-defined]
            for course in page
        ]
    return render(
        request,
        "reports/outcomes_courses.html",
        {
            "form": form,
            "period": period,
            "rule": selectors.FIGURE_RULES[figure],
            "hidden": [("figure", figure), ("dimension", dimension), ("key", key)],
            "group_label": group_label,
            "page": page,
            "items": items,
            "back": reverse("reports:clinic_outcomes")
            + (f"?{urlencode(period.query)}" if period else ""),
            "page_query": urlencode(
                {
                    **(period.query if period else {}),
                    "figure": figure,
                    "dimension": dimension,
                    "key": key,
                }
            ),
        },
    )
