import re
from datetime import timedelta

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_PHONE_LIKE = re.compile(r"\d[\d\-\s]*\d|\d")


def _keep_whole(line: str) -> str:
    # Escape the pieces, not the whole: escaping first would put digits inside entities.
    out: list[str] = []
    last = 0
    for match in _PHONE_LIKE.finditer(line):
        out.append(escape(line[last : match.start()]))
        out.append(f'<span class="nowrap">{escape(match.group(0))}</span>')
        last = match.end()
    out.append(escape(line[last:]))
    return "".join(out)


@register.filter
def keep_numbers_whole(text: str) -> SafeString:
    """Line breaks as paragraphs, and phone numbers never split across lines ("9-8-8")."""
    lines = [line for line in str(text).splitlines() if line.strip()]
    return mark_safe("".join(f"<p>{_keep_whole(line)}</p>" for line in lines))  # noqa: S308


@register.filter
def minutes_in_words(duration: timedelta | None) -> str:
    """A waiting time as people say it: "15 minutes", "1 hour", "90 minutes"."""
    if duration is None:
        return ""
    minutes = max(1, round(duration.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
