"""`{% session_measures_panel course number measures %}`: the questionnaires answered for a
session, for pages of other apps (the session note). It formats what the view read with
`iptcare.measures.selectors.session_measures` and runs no query."""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from iptcare.courses.models import Course
from iptcare.measures.selectors import SessionMeasure

register = template.Library()


@register.inclusion_tag("measures/_session_measures.html")
def session_measures_panel(
    course: Course, session_number: int, measures: Sequence[SessionMeasure]
) -> dict[str, object]:
    return {"course": course, "session_number": session_number, "measures": measures}
