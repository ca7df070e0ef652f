"""The closeness circle and the life chart as server-side SVG (no script, prints as drawn).

Pure Python: the callers pass plain values, so the same drawing serves the page, a PDF and
the tests. Every chart has a <title> and <desc>; the pages also list the same facts as text
beside it, because a drawing alone does not reach a screen-reader user.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from iptcare.core import dates

RING_RADII = (78, 148, 218)
SIZE = 480
SUPPORT_FILL = ("#ffffff", "#e3f1e7", "#a9d8b6", "#4f9d69")
CONFLICT_STROKE = {2: 3, 3: 5}
CONFLICT_COLOUR = "#a4161a"


@dataclass(frozen=True)
class CirclePerson:
    name: str
    relation: str
    ring: int  # 1 = closest
    support: int  # 0-3, the larger of practical and emotional
    conflict: int  # 0-3
    confidant: bool = False
    past: str = ""  # "", "ended" or "deceased"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def closeness_circle(
    people: Sequence[CirclePerson], *, client_name: str, chart_id: str = "circle"
) -> str:
    """Client at the centre, three rings, each person on their ring, with a legend."""
    c = SIZE / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--circle" '
        f'viewBox="-50 0 {SIZE + 100} {SIZE + 130}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">Closeness circle of {_e(client_name)}</title>',
        f'<desc id="{chart_id}-desc">{_e(_circle_description(people, client_name))}</desc>',
    ]
    for number, radius in enumerate(RING_RADII, start=1):
        parts.append(
            f'<circle class="ring ring--{number}" cx="{c}" cy="{c}" r="{radius}" '
            'fill="none" stroke="#9aa8b6" stroke-width="1.5"/>'
        )
        parts.append(
            f'<text class="ring-label" x="{c - radius + 6}" y="{c + 4}" text-anchor="start" '
            f'font-size="11" fill="#4d5b6a">ring {number}</text>'
        )
    by_ring: dict[int, list[CirclePerson]] = {1: [], 2: [], 3: []}
    for person in people:
        by_ring[min(max(person.ring, 1), 3)].append(person)
    nodes = []
    for ring, members in by_ring.items():
        radius = RING_RADII[ring - 1]
        # Stagger the rings so people on neighbouring rings do not line up.
        offset = -math.pi / 2 + (ring - 1) * 0.45
        for index, person in enumerate(members):
            angle = offset + 2 * math.pi * index / max(len(members), 1)
            x = round(c + radius * math.cos(angle), 1)
            y = round(c + radius * math.sin(angle), 1)
            if person.conflict >= 2 and not person.past:
                parts.append(
                    f'<line class="conflict-line" x1="{c}" y1="{c}" x2="{x}" y2="{y}" '
                    f'stroke="{CONFLICT_COLOUR}" stroke-width="{CONFLICT_STROKE[person.conflict]}" '
                    'stroke-dasharray="6 4" opacity="0.75"/>'
                )
            nodes.append(_node(person, x, y, below=y >= c))
    parts.append(
        f'<circle cx="{c}" cy="{c}" r="30" fill="#1d4f91"/>'
        f'<text x="{c}" y="{c + 5}" text-anchor="middle" font-size="13" font-weight="700" '
        f'fill="#ffffff">{_e(_short(client_name, 10))}</text>'
    )
    parts.extend(nodes)
    parts.append(_circle_legend(SIZE + 36))
    parts.append("</svg>")
    return "".join(parts)


def _node(person: CirclePerson, x: float, y: float, *, below: bool) -> str:
    stroke, width, dash = "#1c2530", 1.5, ""
    if person.conflict >= 2 and not person.past:
        stroke, width = CONFLICT_COLOUR, CONFLICT_STROKE[person.conflict]
    if person.past:
        stroke, dash = "#4d5b6a", ' stroke-dasharray="3 3"'
    fill = "#eef1f4" if person.past else SUPPORT_FILL[min(max(person.support, 0), 3)]
    label_y = y + 32 if below else y - 20
    name = _short(person.name) + (" †" if person.past == "deceased" else "")
    star = (
        f'<text x="{x + 13}" y="{y - 9}" font-size="14" fill="#7a4100" aria-hidden="true">★</text>'
        if person.confidant
        else ""
    )
    return (
        f'<g class="person" data-ring="{person.ring}">'
        f"<title>{_e(_person_sentence(person))}</title>"
        f'<circle cx="{x}" cy="{y}" r="13" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{width}"{dash}/>{star}'
        f'<text x="{x}" y="{label_y}" text-anchor="middle" font-size="15" fill="#1c2530" '
        f'paint-order="stroke" stroke="#ffffff" stroke-width="3">{_e(name)}</text>'
        "</g>"
    )


def _circle_legend(top: float) -> str:
    rows = [
        (
            f'<circle cx="14" cy="0" r="8" fill="{SUPPORT_FILL[3]}" stroke="#1c2530"/>',
            "Strong support (3)",
        ),
        (
            f'<circle cx="14" cy="0" r="8" fill="{SUPPORT_FILL[1]}" stroke="#1c2530"/>',
            "Little support (1)",
        ),
        (
            f'<circle cx="14" cy="0" r="8" fill="#fff" stroke="{CONFLICT_COLOUR}" '
            'stroke-width="4"/>',
            "Conflict (2–3), dashed red line",
        ),
        (
            '<circle cx="14" cy="0" r="8" fill="#eef1f4" stroke="#4d5b6a" stroke-dasharray="3 3"/>',
            "Ended, or died (†)",
        ),
        ('<text x="8" y="5" font-size="14" fill="#7a4100">★</text>', "Confidant"),
    ]
    parts = [f'<g class="legend" transform="translate(12 {top})">']
    for index, (mark, label) in enumerate(rows):
        col, row = index % 2, index // 2
        parts.append(
            f'<g transform="translate({col * 270 - 20} {row * 28 + 12})">{mark}'
            f'<text x="30" y="5" font-size="14" fill="#1c2530">{_e(label)}</text></g>'
        )
    parts.append("</g>")
    return "".join(parts)


def _person_sentence(person: CirclePerson) -> str:
    bits = [f"{person.name} ({person.relation}), ring {person.ring}"]
    if person.past:
        bits.append("died" if person.past == "deceased" else "relationship ended")
    bits.append(f"support {person.support} of 3")
    bits.append(f"conflict {person.conflict} of 3")
    if person.confidant:
        bits.append("confidant")
    return ", ".join(bits)


def _circle_description(people: Sequence[CirclePerson], client_name: str) -> str:
    if not people:
        return f"{client_name} at the centre; nobody is in the inventory yet."
    counts = [sum(1 for p in people if p.ring == ring) for ring in (1, 2, 3)]
    conflict = [p.name for p in people if p.conflict >= 2 and not p.past]
    text = (
        f"{client_name} at the centre with {len(people)} people: {counts[0]} on the closest "
        f"ring, {counts[1]} on the middle ring and {counts[2]} on the outer ring."
    )
    if conflict:
        text += " Marked conflict with " + ", ".join(conflict) + "."
    return text + " The list beside the drawing gives each person's details."


# --- Life chart --------------------------------------------------------------------------

WIDTH, HEIGHT = 760, 330
LEFT, RIGHT = 44, 20
SCORE_TOP, SCORE_BOTTOM = 24, 134
EVENT_Y = 178
AXIS_Y = 292


@dataclass(frozen=True)
class ChartEvent:
    starts_on: date
    label: str
    ends_on: date | None = None


@dataclass(frozen=True)
class ChartEpisode:
    starts_on: date
    ends_on: date | None
    is_current: bool


def life_chart(
    *,
    events: Sequence[ChartEvent],
    episodes: Sequence[ChartEpisode],
    scores: Sequence[tuple[date, int]] = (),
    score_name: str = "PHQ-9",
    score_max: int = 27,
    today: date,
    chart_id: str = "lifechart",
) -> str:
    """Events on one line, episodes as shaded bands, the onset marked, scores above.

    The window covers the events, the current episode and the scores; an earlier episode
    long before them is named at the left edge instead of squeezing the rest into a corner.
    """
    current = [p for p in episodes if p.is_current]
    days = [e.starts_on for e in events] + [e.ends_on for e in events if e.ends_on]
    days += [p.starts_on for p in current] + [d for d, _ in scores]
    if not days:
        days = [p.starts_on for p in episodes]
    start = min(days, default=today - timedelta(days=365))
    end = max([*days, today])
    # A margin at each edge, kept inside the calendar: a mistyped 0001-01-01 or 9999-12-31
    # still draws (squeezing the rest) rather than overflowing.
    span = max((end - start).days, 30)
    start = _days_after(start, -(span // 20 + 1))
    end = _days_after(end, span // 20 + 1)
    total = max((end - start).days, 1)

    def x(day: date) -> float:
        day = min(max(day, start), end)
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / total, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--life" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">Life chart</title>',
        f'<desc id="{chart_id}-desc">'
        f"{_e(_chart_description(events, episodes, scores, score_name))}</desc>",
    ]
    off_chart = [p for p in episodes if (p.ends_on or today) < start]
    for episode in episodes:
        if episode in off_chart:
            continue
        x1, x2 = x(episode.starts_on), x(episode.ends_on or today)
        fill = "#f6d7d7" if episode.is_current else "#ececec"
        parts.append(
            f'<rect class="episode" x="{x1}" y="{SCORE_TOP - 8}" width="{max(x2 - x1, 2)}" '
            f'height="{AXIS_Y - SCORE_TOP + 8}" fill="{fill}" opacity="0.8"/>'
        )
        label = "Onset" if episode.is_current else "Earlier episode"
        anchor, dx = ("end", -4) if x1 > WIDTH * 0.75 else ("start", 4)
        parts.append(
            f'<line x1="{x1}" y1="{SCORE_TOP - 8}" x2="{x1}" y2="{AXIS_Y}" stroke="#a4161a" '
            f'stroke-width="{2 if episode.is_current else 1}"/>'
            f'<text x="{x1 + dx}" y="{SCORE_TOP + 4}" font-size="12" font-weight="700" '
            f'text-anchor="{anchor}" fill="#a4161a">{label} {dates.month(episode.starts_on)}</text>'
        )
    if off_chart:
        earlier = ", ".join(dates.month(p.starts_on) for p in off_chart)
        parts.append(
            f'<text class="off-chart" x="{LEFT}" y="{AXIS_Y - 6}" font-size="11" '
            f'fill="#a4161a">← Earlier episode{"s" if len(off_chart) > 1 else ""}: '
            f"{_e(earlier)}</text>"
        )
    parts.append(_axis(start, end, x))
    if scores:
        parts.append(_scores(scores, x, score_name, score_max))
    parts.append(
        f'<line x1="{LEFT}" y1="{EVENT_Y}" x2="{WIDTH - RIGHT}" y2="{EVENT_Y}" stroke="#9aa8b6"/>'
    )
    placed: list[list[tuple[float, float]]] = [[] for _ in LANES]
    for event in sorted(events, key=lambda e: e.starts_on):
        x1 = x(event.starts_on)
        text = f"{_short(event.label, 26)} ({dates.month(event.starts_on)})"
        anchor = "end" if x1 > WIDTH * 0.6 else "start"
        width = 6.6 * len(text)
        extent = (x1 - width, x1) if anchor == "end" else (x1, x1 + width)
        lane = _free_lane(placed, extent, x1)
        placed[lane].append(extent)
        lane_y = LANES[lane]
        if event.ends_on:
            parts.append(
                f'<rect x="{x1}" y="{EVENT_Y - 5}" width="{max(x(event.ends_on) - x1, 2)}" '
                'height="10" rx="4" fill="#1d4f91" opacity="0.35"/>'
            )
        parts.append(
            f'<g class="event"><circle cx="{x1}" cy="{EVENT_Y}" r="6" fill="#1d4f91"/>'
            f'<line x1="{x1}" y1="{EVENT_Y + 6}" x2="{x1}" y2="{lane_y - 11}" stroke="#1d4f91" '
            'stroke-width="1"/>'
            f'<text x="{x1}" y="{lane_y}" font-size="12" text-anchor="{anchor}" fill="#1c2530" '
            f'paint-order="stroke" stroke="#ffffff" stroke-width="3">{_e(text)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


LANES = (EVENT_Y + 22, EVENT_Y + 42, EVENT_Y + 62, EVENT_Y + 82)
# Ticks every so many months; the last ones serve spans of centuries (a mistyped year).
TICK_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000)


def _days_after(day: date, days: int) -> date:
    """`day` moved by `days`, stopping at the first or last day the calendar has."""
    ordinal = min(max(day.toordinal() + days, date.min.toordinal()), date.max.toordinal())
    return date.fromordinal(ordinal)


def _free_lane(
    placed: list[list[tuple[float, float]]], extent: tuple[float, float], x: float
) -> int:
    """The lane nearest the event line where the label overlaps no other label, and whose
    tick does not cut through a label in a nearer lane; the least crowded one otherwise."""
    for lane, labels in enumerate(placed):
        overlaps = any(a < extent[1] + 6 and extent[0] - 6 < b for a, b in labels)
        crossed = any(a - 2 <= x <= b + 2 for nearer in placed[:lane] for a, b in nearer)
        if not overlaps and not crossed:
            return lane
    return min(range(len(placed)), key=lambda lane: len(placed[lane]))


def _axis(start: date, end: date, to_x: Callable[[date], float]) -> str:
    parts = [
        f'<line x1="{LEFT}" y1="{AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{AXIS_Y}" stroke="#4d5b6a"/>'
    ]
    # Months counted from January of year 1, so every tick is the first of a month.
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    step = next((s for s in TICK_STEPS if (last - first) / s <= 10), TICK_STEPS[-1])
    index = -(-first // step) * step  # the first multiple of step at or after `first`
    while index <= last:
        day = date(index // 12, index % 12 + 1, 1)
        if day >= start:
            px = to_x(day)
            label = str(day.year) if step >= 12 else dates.month(day)
            parts.append(
                f'<line x1="{px}" y1="{AXIS_Y}" x2="{px}" y2="{AXIS_Y + 5}" stroke="#4d5b6a"/>'
                f'<text x="{px}" y="{AXIS_Y + 20}" font-size="11" text-anchor="middle" '
                f'fill="#4d5b6a">{label}</text>'
            )
        index += step
    return "".join(parts)


def _scores(
    scores: Sequence[tuple[date, int]], to_x: Callable[[date], float], name: str, top: int
) -> str:

    def y(value: int) -> float:
        return round(SCORE_BOTTOM - (SCORE_BOTTOM - SCORE_TOP) * min(value, top) / top, 1)

    ordered = sorted(scores)
    points = " ".join(f"{to_x(d)},{y(v)}" for d, v in ordered)
    parts = [
        f'<g class="scores"><line x1="{LEFT}" y1="{SCORE_BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{SCORE_BOTTOM}" stroke="#d5dce3"/>'
        f'<text x="{LEFT - 6}" y="{SCORE_BOTTOM + 4}" font-size="11" text-anchor="end" '
        f'fill="#4d5b6a">0</text>'
        f'<text x="{LEFT - 6}" y="{SCORE_TOP + 4}" font-size="11" text-anchor="end" '
        f'fill="#4d5b6a">{top}</text>'
        f'<text x="{LEFT}" y="{SCORE_TOP - 12}" font-size="12" fill="#4d5b6a">{_e(name)} '
        "score (higher is worse)</text>",
        f'<polyline points="{points}" fill="none" stroke="#7a4100" stroke-width="2"/>',
    ]
    for day, value in ordered:
        parts.append(
            f'<circle cx="{to_x(day)}" cy="{y(value)}" r="4" fill="#7a4100">'
            f"<title>{_e(name)} {value} on {dates.day_short(day)}</title></circle>"
        )
    parts.append("</g>")
    return "".join(parts)


def _chart_description(
    events: Sequence[ChartEvent],
    episodes: Sequence[ChartEpisode],
    scores: Sequence[tuple[date, int]],
    score_name: str,
) -> str:
    bits = []
    current = [p for p in episodes if p.is_current]
    if current:
        bits.append(f"Onset of the current episode {dates.day(current[0].starts_on)}.")
    earlier = len(episodes) - len(current)
    if earlier:
        bits.append(f"{earlier} earlier episode{'s' if earlier != 1 else ''}.")
    bits.append(f"{len(events)} life event{'s' if len(events) != 1 else ''}.")
    if scores:
        first, last = min(scores), max(scores)
        bits.append(
            f"{score_name} from {first[1]} on {dates.day_short(first[0])} to {last[1]} on "
            f"{dates.day_short(last[0])}."
        )
    bits.append("The list below the chart gives each event.")
    return " ".join(bits)
