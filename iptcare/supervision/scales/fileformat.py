"""The fidelity-scale file (docs/fidelity-scales.md): read and checked in one place, for
the upload page, `iptcare fidelity-scale import` and the scale IPTCare ships.

No database. `read_scale_file` returns the scale or raises `ScaleFileError`
with every problem found, each named by where it is in the file
(`items[3].anchors.7: outside the scale's range 1–5`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from iptcare.courses.protocols import Phase

FORMAT = "iptcare-fidelity-scale/1"
MAX_BYTES = 256 * 1024
MAX_ITEMS = 100
# Scores are small whole numbers: a rating form shows one button per point.
LOWEST, HIGHEST = 0, 10
CODE = re.compile(r"[a-z0-9][a-z0-9._-]{0,59}")
PHASES = tuple(phase.value for phase in Phase)

_TOP_FIELDS = {"format", "code", "name", "version", "range", "not_applicable", "source"}
_TOP_FIELDS |= {"description", "items"}
_ITEM_FIELDS = {"code", "group", "phases", "text", "anchors"}


@dataclass(frozen=True)
class ItemSpec:
    code: str
    order: int
    group: str
    text: str
    anchors: dict[str, str]  # score (as text, JSON's keys) -> what that score looks like
    phases: tuple[str, ...]


@dataclass(frozen=True)
class ScaleSpec:
    code: str
    name: str
    version: str
    score_min: int
    score_max: int
    allows_not_applicable: bool
    source: str
    description: str
    items: tuple[ItemSpec, ...]


class ScaleFileError(ValueError):
    """The file cannot be loaded; `problems` lists each as "where: what"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def text(
        self, data: dict[str, Any], key: str, where: str, *, limit: int, required: bool
    ) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, "missing")
            return ""
        if not isinstance(value, str):
            self.problem(where, "must be text")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(where, "must not be empty")
        elif len(value) > limit:
            self.problem(where, f"longer than {limit} characters")
        elif re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
            self.problem(where, "contains control characters")
        return value

    def code(self, data: dict[str, Any], where: str) -> str:
        value = self.text(data, "code", where, limit=60, required=True)
        if value and not CODE.fullmatch(value):
            self.problem(
                where, "use lower-case letters, digits, '.', '-' or '_' (up to 60, no spaces)"
            )
        return value

    def unknown(self, data: dict[str, Any], known: set[str], where: str) -> None:
        for key in sorted(set(data) - known):
            self.problem(f"{where}{key}" if where else key, "unknown field")


def _decode(content: bytes | str) -> Any:
    if isinstance(content, str):
        content = content.encode("utf-8", errors="surrogatepass")
    if len(content) > MAX_BYTES:
        raise ScaleFileError([f"file: larger than {MAX_BYTES // 1024} KB"])
    if b"\x00" in content:
        raise ScaleFileError(["file: contains NUL bytes (not a JSON text file)"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScaleFileError(["file: not UTF-8 text"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise ScaleFileError([f"file: not JSON ({exc.msg} at {where})"]) from None
    except RecursionError:
        raise ScaleFileError(["file: nested too deeply"]) from None


def read_scale_file(content: bytes | str) -> ScaleSpec:
    """The scale in `content` (a file's bytes), or ScaleFileError naming every problem."""
    data = _decode(content)
    if not isinstance(data, dict):
        raise ScaleFileError(["file: must hold one JSON object, {...}"])
    r = _Reader()
    r.unknown(data, _TOP_FIELDS, "")
    if data.get("format") != FORMAT:
        r.problem("format", f'must be "{FORMAT}"')
    code = r.code(data, "code")
    name = r.text(data, "name", "name", limit=200, required=True)
    version = data.get("version")
    if _is_int(version):
        version = str(version)
        data = {**data, "version": version}
    version = r.text(data, "version", "version", limit=20, required=True)
    source = r.text(data, "source", "source", limit=300, required=False)
    description = r.text(data, "description", "description", limit=2000, required=False)

    not_applicable = data.get("not_applicable", False)
    if not isinstance(not_applicable, bool):
        r.problem("not_applicable", "must be true or false")
        not_applicable = False

    low, high = _range(r, data.get("range"))
    items = _items(r, data.get("items"), low, high)
    if r.problems:
        raise ScaleFileError(r.problems)
    assert low is not None and high is not None
    return ScaleSpec(
        code=code,
        name=name,
        version=version,
        score_min=low,
        score_max=high,
        allows_not_applicable=not_applicable,
        source=source,
        description=description,
        items=tuple(items),
    )


def _range(r: _Reader, value: object) -> tuple[int | None, int | None]:
    if value is None:
        r.problem("range", 'missing (e.g. {"min": 1, "max": 5})')
        return None, None
    if not isinstance(value, dict):
        r.problem("range", 'must be an object, e.g. {"min": 1, "max": 5}')
        return None, None
    r.unknown(value, {"min", "max"}, "range.")
    ends: list[int | None] = []
    for key in ("min", "max"):
        end = value.get(key)
        if end is None:
            r.problem(f"range.{key}", "missing")
            ends.append(None)
        elif not _is_int(end) or not LOWEST <= end <= HIGHEST:
            r.problem(f"range.{key}", f"must be a whole number from {LOWEST} to {HIGHEST}")
            ends.append(None)
        else:
            ends.append(end)
    low, high = ends
    if low is not None and high is not None and low >= high:
        r.problem("range", f"min ({low}) must be below max ({high})")
        return None, None
    return low, high


def _items(r: _Reader, value: object, low: int | None, high: int | None) -> list[ItemSpec]:
    if value is None:
        r.problem("items", "missing")
        return []
    if not isinstance(value, list) or not value:
        r.problem("items", "must be a non-empty list of items")
        return []
    if len(value) > MAX_ITEMS:
        r.problem("items", f"more than {MAX_ITEMS} items")
        return []
    items: list[ItemSpec] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(value):
        where = f"items[{n}]"
        if not isinstance(raw, dict):
            r.problem(where, "must be an object")
            continue
        r.unknown(raw, _ITEM_FIELDS, f"{where}.")
        code = r.code(raw, f"{where}.code")
        if code in seen:
            r.problem(f"{where}.code", f'"{code}" is already the code of items[{seen[code]}]')
        elif code:
            seen[code] = n
        group = r.text(raw, "group", f"{where}.group", limit=30, required=True)
        text = r.text(raw, "text", f"{where}.text", limit=500, required=True)
        phases = _phases(r, raw.get("phases"), f"{where}.phases")
        anchors = _anchors(r, raw.get("anchors"), f"{where}.anchors", low, high)
        items.append(ItemSpec(code, n + 1, group, text, anchors, phases))
    return items


def _phases(r: _Reader, value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        r.problem(where, f"must list one or more of {', '.join(PHASES)}")
        return ()
    phases: list[str] = []
    for n, phase in enumerate(value):
        if phase not in PHASES:
            r.problem(f"{where}[{n}]", f"unknown phase {phase!r} (use {', '.join(PHASES)})")
        elif phase in phases:
            r.problem(f"{where}[{n}]", f"{phase} is listed twice")
        else:
            phases.append(phase)
    return tuple(phases)


def _anchors(
    r: _Reader, value: object, where: str, low: int | None, high: int | None
) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        r.problem(where, 'must be an object of score: label, e.g. {"1": "...", "5": "..."}')
        return {}
    anchors: dict[str, str] = {}
    for key in value:
        spot = f"{where}.{key}"
        if not re.fullmatch(r"[0-9]{1,2}", key):
            r.problem(spot, "a score must be a whole number")
            continue
        if low is not None and high is not None and not low <= int(key) <= high:
            r.problem(spot, f"outside the scale's range {low}–{high}")
            continue
        label = r.text(value, key, spot, limit=300, required=True)
        anchors[str(int(key))] = label
    return dict(sorted(anchors.items(), key=lambda pair: int(pair[0])))
