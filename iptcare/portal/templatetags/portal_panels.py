"""Data for the portal's panels on the care team's pages, so that a page only needs
`{% include %}` with the client or course it already has (its view fetched and logged it)."""

from __future__ import annotations

from typing import Any

from django import template

from iptcare.portal import selectors

register = template.Library()


@register.simple_tag
def person_suggestions_panel(course: Any, user: Any) -> dict[str, Any]:
    return {
        "suggestions": selectors.person_suggestions_for(course),
        "can_decide": bool(user.has_perm("courses.change_course", course)),
    }


@register.simple_tag
def mood_log_panel(client: Any) -> selectors.MoodLog:
    return selectors.mood_log_for(client)
