"""How IPTCare writes dates and times for people: the one place that decides.

"4 August 2026", never "04 August 2026"; "Mon 7 Dec, 10:00 a.m." (Canadian English, as
Django's `a` writes it). Aware times are shown in the zone the caller names, which is
the clinic's: templates get them already in the current zone (the clinic's, made current
per request or by `timezone.override`); Python code passes `zone`.

Used by the template filters (`iptcare.core.templatetags.dates`: `|day`, `|when`, ...,
loaded for every template) and by Python code that writes text for people: charts,
emails, messages. Pure Python and independent of the process locale, so domain modules
that import no Django can use it too. The Django patterns below say the same for
`{{ a_date }}` and `|date` without an argument (iptcare/formats/en_CA/formats.py); a test
keeps the two in step. Machine formats (ISO dates in forms, URLs and CSV, file-name
stamps) are not written here: they are not for reading. A scan
(iptcare/core/tests/test_one_way_to_write_dates.py) fails on a template or module that
writes a date its own way; the machine formats it allows are listed there, with reasons.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import TypeVar

# The same formats in Django's date syntax, for the format module.
DAY = "j F Y"  # 4 August 2026
DAY_SHORT = "j M Y"  # 4 Aug 2026, where space is tight
WEEKDAY = "l j F Y"  # Tuesday 4 August 2026
WEEKDAY_SHORT = "D j M Y"  # Tue 4 Aug 2026
DAY_MONTH = "j M"  # 4 Aug, for days of a short stretch whose year is said once
MONTH = "M Y"  # Aug 2026
WHEN = "D j M, g:i a"  # Mon 7 Dec, 10:00 a.m., a moment near today (the next appointment)
STAMP = "j M Y, g:i a"  # 4 Aug 2026, 10:00 a.m., when something was done
CLOCK = "g:i a"  # 10:00 a.m.

MONTHS = (
    "January February March April May June July August September October November December"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

Moment = TypeVar("Moment", date, datetime, time)


def _in_zone(value: Moment, zone: tzinfo | None) -> Moment:
    if isinstance(value, datetime) and value.tzinfo is not None and zone is not None:
        return value.astimezone(zone)
    return value


def _the_day(value: date, *, long: bool) -> str:
    name = MONTHS[value.month - 1]
    return f"{value.day} {name if long else name[:3]}"


def _the_weekday(value: date, *, long: bool) -> str:
    name = WEEKDAYS[value.weekday()]
    return name if long else name[:3]


def _the_clock(value: datetime | time) -> str:
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'a.m.' if value.hour < 12 else 'p.m.'}"


def day(value: date, zone: tzinfo | None = None) -> str:
    """4 August 2026"""
    local = _in_zone(value, zone)
    return f"{_the_day(local, long=True)} {local.year}"


def day_short(value: date, zone: tzinfo | None = None) -> str:
    """4 Aug 2026"""
    local = _in_zone(value, zone)
    return f"{_the_day(local, long=False)} {local.year}"


def weekday(value: date, zone: tzinfo | None = None) -> str:
    """Tuesday 4 August 2026"""
    local = _in_zone(value, zone)
    return f"{_the_weekday(local, long=True)} {day(local)}"


def weekday_short(value: date, zone: tzinfo | None = None) -> str:
    """Tue 4 Aug 2026"""
    local = _in_zone(value, zone)
    return f"{_the_weekday(local, long=False)} {day_short(local)}"


def day_month(value: date, zone: tzinfo | None = None) -> str:
    """4 Aug"""
    local = _in_zone(value, zone)
    return _the_day(local, long=False)


def month(value: date, zone: tzinfo | None = None) -> str:
    """Aug 2026"""
    local = _in_zone(value, zone)
    return f"{MONTHS[local.month - 1][:3]} {local.year}"


def clock(value: datetime | time, zone: tzinfo | None = None) -> str:
    """10:00 a.m."""
    local = _in_zone(value, zone) if isinstance(value, datetime) else value
    return _the_clock(local)


def when(value: datetime, zone: tzinfo | None = None) -> str:
    """Mon 7 Dec, 10:00 a.m."""
    local = _in_zone(value, zone)
    return f"{_the_weekday(local, long=False)} {_the_day(local, long=False)}, {_the_clock(local)}"


def stamp(value: datetime, zone: tzinfo | None = None) -> str:
    """4 Aug 2026, 10:00 a.m."""
    local = _in_zone(value, zone)
    return f"{day_short(local)}, {_the_clock(local)}"


def weekday_at(value: datetime, zone: tzinfo | None = None) -> str:
    """Tuesday 4 August 2026 at 10:00 a.m., for emails and messages about one appointment."""
    local = _in_zone(value, zone)
    return f"{weekday(local)} at {_the_clock(local)}"


def _zone_key(zone: tzinfo | str) -> str:
    return zone if isinstance(zone, str) else str(getattr(zone, "key", None) or zone)


def _names_a_city(key: str) -> bool:
    return "/" in key and not key.startswith("Etc/")


def zone_city(zone: tzinfo | str) -> str:
    """The place a time zone is named after, as people say it: "Toronto" for
    America/Toronto, "Buenos Aires" for America/Argentina/Buenos_Aires; a zone named after
    no city (UTC, Etc/GMT+5) keeps its name."""
    key = _zone_key(zone)
    if not _names_a_city(key):
        return key.removeprefix("Etc/")
    return key.rsplit("/", 1)[1].replace("_", " ")


def clock_in_zone(value: datetime, zone: tzinfo) -> str:
    """10:00 a.m. Toronto time (10:00 a.m. UTC): the clock in `zone`, saying which, for
    people who may read it elsewhere (emails)."""
    clock = _the_clock(_in_zone(value, zone))
    if _names_a_city(_zone_key(zone)):
        return f"{clock} {zone_city(zone)} time"
    return f"{clock} {zone_city(zone)}"
