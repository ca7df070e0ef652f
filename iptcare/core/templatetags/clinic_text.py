import re
from dataclasses import dataclass
from datetime import timedelta

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A run of digits with the separators people write in phone numbers: "9-8-8",
# "1-833-456-4566", "(416) 555-0100", "+1 416 555 0100".
_NUMBER = re.compile(r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?)?\d(?:[\d\s.-]*\d)?")
# "call or text 9-8-8", "texto", "texte": the number before it may be texted.
_TEXTING = re.compile(r"\btext", re.IGNORECASE)


@dataclass(frozen=True)
class CrisisNumber:
    """A number in the clinic's crisis text, as a person dials or texts it."""

    written: str
    digits: str
    call: bool
    text: bool


def crisis_number(written: str, words_before: str) -> CrisisNumber | None:
    """The number in `written` if it is one people call or text, else None (a year,
    "24/7", a street number). Short codes: 3 digits (9-1-1, 9-8-8, 2-1-1) are called;
    5 or 6 digits (686868) are texted only, where the words before say "text"; 7 digits
    or more are phone numbers. A number is also texted where the words since the last
    number say "text" ("call or text 9-8-8")."""
    digits = re.sub(r"\D", "", written)
    texting = bool(_TEXTING.search(words_before))
    if len(digits) == 3 or 7 <= len(digits) <= 15:
        return CrisisNumber(written, digits, call=True, text=texting)
    if len(digits) in (5, 6) and texting:
        return CrisisNumber(written, digits, call=False, text=True)
    return None


def _crisis_line(line: str) -> str:
    # Escape the pieces, not the whole: escaping first would put digits inside entities.
    out: list[str] = []
    last = 0
    for match in _NUMBER.finditer(line):
        written, start = match.group(0), match.start()
        number = crisis_number(written, line[last:start])
        if number is None:
            continue
        out.append(escape(line[last:start]))
        out.append(_number_links(number))
        last = start + len(written)
    out.append(escape(line[last:]))
    return "".join(out)


def _number_links(number: CrisisNumber) -> str:
    shown = escape(number.written)
    if not number.call:
        return f'<a class="crisis-number" href="sms:{number.digits}">{shown}</a>'
    link = f'<a class="crisis-number" href="tel:{number.digits}">{shown}</a>'
    if number.text:
        link += (
            f' <a class="crisis-sms" href="sms:{number.digits}"'
            f' aria-label="Text {shown}">(send a text)</a>'
        )
    return link


@register.filter
def crisis_lines(text: str) -> SafeString:
    """The clinic's crisis resources as paragraphs, each number a link to call it (and to
    text it where the text says so), never split across lines. Everything else stays the
    clinic's own words, escaped."""
    lines = [line for line in str(text).splitlines() if line.strip()]
    return mark_safe("".join(f"<p>{_crisis_line(line)}</p>" for line in lines))  # noqa: S308


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
