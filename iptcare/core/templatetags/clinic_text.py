import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_PHONE_LIKE = re.compile(r"\d[\d\-\s]*\d|\d")


@register.filter(needs_autoescape=True)
def keep_numbers_whole(text: str, autoescape: bool = True) -> SafeString:
    """Line breaks as paragraphs, and phone numbers never split across lines ("9-8-8")."""
    escaped = conditional_escape(text) if autoescape else text
    kept = _PHONE_LIKE.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', str(escaped))
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", kept) if p.strip()]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S308 (escaped above)
