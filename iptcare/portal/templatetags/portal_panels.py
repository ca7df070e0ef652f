"""The portal's panels on the care team's pages: what the client suggested for the
inventory, and their mood log. They format what the page's view read with the portal's
selectors (`person_suggestions_for`, `mood_log_for`) and run no query."""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from iptcare.portal.models import PersonSuggestion
from iptcare.portal.selectors import MoodLog

register = template.Library()


@register.inclusion_tag("portal/_person_suggestions.html")
def person_suggestions_panel(
    suggestions: Sequence[PersonSuggestion], can_decide: bool
) -> dict[str, object]:
    """`can_decide`: whether the viewer may add a suggestion to the inventory
    (`courses.change_course`), which the view checks."""
    return {"suggestions": suggestions, "can_decide": can_decide}


@register.inclusion_tag("portal/_mood_log_summary.html")
def mood_log_panel(mood_log: MoodLog) -> dict[str, object]:
    return {"mood_log": mood_log}
