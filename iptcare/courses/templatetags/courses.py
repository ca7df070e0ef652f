"""`{% course_header header %}`: the header every clinical page of a course shows, the
client's own header (templates/clients/_header.html: who, chart number, where the course
stands) with the course's focus areas and pages.

It formats what the view prepared (`iptcare.overview.selectors.course_header_for`, or the
course page's overview; the course comes with its client) and runs no query.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from iptcare.courses.models import Course
from iptcare.courses.selectors import CourseHeader

register = template.Library()

# The course's pages, in the order a therapist works through them. Pages of apps that are
# not installed yet are skipped, so the header never breaks a page.
COURSE_PAGES = [
    ("Course", "courses:detail"),
    ("Measures", "measures:course"),
    ("Inventory", "formulation:inventory"),
    ("Timeline", "formulation:timeline"),
    ("Formulation", "formulation:formulation"),
    ("Focus-area work", "formulation:focus"),
    ("Termination", "formulation:termination"),
]


def _links(course: Course, current_path: str) -> list[dict[str, object]]:
    links = []
    for label, name in COURSE_PAGES:
        try:
            url = reverse(name, kwargs={"course_id": course.pk})
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "current": current_path == url})
    return links


@register.inclusion_tag("courses/_course_header.html", takes_context=True)
def course_header(
    context: template.Context, header: CourseHeader, as_title: bool = False
) -> dict[str, object]:
    """`as_title`: the client's name is the page's h1 (a page about the client as a whole
    that shows their current course too)."""
    request = context.get("request")
    return {
        "client": header.course.client,
        "as_title": as_title,
        "course": header.course,
        "position": header.position,
        "focus_areas": header.focus_areas,
        "links": _links(header.course, request.path if request else ""),
    }


# Where each phase gate (protocols.PHASE_GATES) is done: the course page's checklist links
# there. A test keeps every gate in this table.
GATE_PAGES: dict[str, tuple[str, str]] = {
    "symptom_measure": ("measures:course", ""),
    "inventory": ("formulation:inventory", ""),
    "focus_areas": ("formulation:formulation", "#areas-heading"),
    "formulation": ("formulation:formulation_edit", "#id_agreed_on"),
    "contract": ("formulation:formulation_edit", "#id_contract_sessions"),
}


@register.simple_tag
def gate_url(key: str, course: Course) -> str:
    """The page where the gate `key` is done, or "" when that page is not installed."""
    if key not in GATE_PAGES:
        return ""
    name, anchor = GATE_PAGES[key]
    try:
        return reverse(name, kwargs={"course_id": course.pk}) + anchor
    except NoReverseMatch:
        return ""
