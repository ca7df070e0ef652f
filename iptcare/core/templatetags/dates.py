"""Date filters for every template (a builtin, see settings.TEMPLATES): `|day`,
`|day_short`, `|weekday`, `|weekday_short`, `|day_month`, `|month`, `|when`, `|stamp`,
`|clock`, `|clock_in_zone`. The formats live in `iptcare.core.dates`; aware times arrive
already in the current zone (the clinic's), as for Django's `|date`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from django import template
from django.utils import timezone

from iptcare.core import dates

register = template.Library()


def _filter(name: str, write: Callable[[Any], str], accepts: tuple[type, ...]) -> None:
    def apply(value: object) -> str:
        # Like Django's |date: a value of the wrong kind prints as nothing, never a 500.
        return write(value) if isinstance(value, accepts) else ""

    apply.__name__ = name
    register.filter(name, apply, expects_localtime=True)


for _name in ("day", "day_short", "weekday", "weekday_short", "day_month", "month"):
    _filter(_name, getattr(dates, _name), (date,))
for _name in ("when", "stamp"):
    _filter(_name, getattr(dates, _name), (datetime,))
_filter("clock", dates.clock, (datetime, time))


@register.filter(expects_localtime=True)
def clock_in_zone(value: object) -> str:
    """10:00 a.m. Toronto time, in the current zone (the clinic's)."""
    if not isinstance(value, datetime):
        return ""
    return dates.clock_in_zone(value, timezone.get_current_timezone())
