"""Reading ids and answer positions sent by a browser, in one place.

`str.isdigit()` is the wrong test: it accepts "²" (which `int()` then refuses, a 500) and
`int()` itself accepts "１" or "٣" (other scripts' digits). Only ASCII digits are read,
within the range every database backend stores, so junk reads as "no value" and the
caller answers 404 or shows the form again.
"""

from __future__ import annotations

import re

# The URL converter's limit (`core.converters.RowIdConverter`): 18 digits fit a bigint.
ID_MAX = 10**18 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """A database id (1 or more), or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ASCII_DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= ID_MAX else None


def parse_choice(value: object, count: int) -> int | None:
    """The position (0 to count - 1) of an answer chosen from `count` options, or None."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    position = int(value)
    return position if position < count else None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_search(value: object, *, limit: int = 100) -> str:
    """Words to search for: control characters dropped (PostgreSQL refuses a NUL byte in
    text, and no name holds one), trimmed, at most `limit` characters."""
    if not isinstance(value, str):
        return ""
    return _CONTROL.sub("", value).strip()[:limit]


def without_nul(value: object) -> str:
    """Free text read straight from a request (not through a form, whose fields refuse
    it): NUL bytes dropped, since PostgreSQL cannot store them and no one types them."""
    return value.replace("\x00", "") if isinstance(value, str) else ""
