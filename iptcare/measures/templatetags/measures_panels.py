"""`{% session_measures_panel course number %}`: the questionnaires answered for a session,
for pages of other apps (the session note) that show them without a view change."""

from __future__ import annotations

from django import template

from iptcare.courses.models import Course
from iptcare.measures.selectors import session_measures

register = template.Library()


@register.inclusion_tag("measures/_session_measures.html")
def session_measures_panel(course: Course, session_number: int) -> dict[str, object]:
    return {
        "course": course,
        "session_number": session_number,
        "measures": session_measures(course, int(session_number)),
    }
