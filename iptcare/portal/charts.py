"""The portal's two small drawings, as server-side SVG (no script; prints as drawn).

Pure Python. They are calmer than the care team's charts on purpose: the relationship
circle shows only who is on which ring (the therapist's support and conflict ratings are
clinical judgements, not the client's to read off a drawing), and the mood line has no
bands or thresholds. Each has a <title> and <desc>; the pages list the same facts as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from iptcare.core import dates

LINE = "#1d4f91"
GRID = "#d5dce3"
INK = "#1c2530"
MUTED = "#4d5b6a"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _short(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class RingPerson:
    name: str
    relation: str
    ring: int  # 1 = closest


RING_RADII = (60, 112, 164)
CIRCLE_SIZE = 380


def relationship_circle(people: Sequence[RingPerson], *, client_name: str) -> str:
    """The client in the middle and each shared person on their ring."""
    c = CIRCLE_SIZE / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart portal-chart--circle" '
        f'viewBox="0 0 {CIRCLE_SIZE} {CIRCLE_SIZE}" role="img" '
        'aria-labelledby="circle-title circle-desc">',
        '<title id="circle-title">Your closeness circle</title>',
        f'<desc id="circle-desc">{_e(_circle_description(people))}</desc>',
    ]
    for radius in RING_RADII:
        parts.append(
            f'<circle cx="{c}" cy="{c}" r="{radius}" fill="none" stroke="{GRID}" '
            'stroke-width="1.5"/>'
        )
    parts.append(
        f'<circle cx="{c}" cy="{c}" r="26" fill="{LINE}"/>'
        f'<text x="{c}" y="{c + 5}" text-anchor="middle" font-size="13" font-weight="700" '
        f'fill="#ffffff">{_e(_short(client_name, 8))}</text>'
    )
    by_ring: dict[int, list[RingPerson]] = {1: [], 2: [], 3: []}
    for person in people:
        by_ring[min(max(person.ring, 1), 3)].append(person)
    for ring, members in by_ring.items():
        radius = RING_RADII[ring - 1]
        # Stagger the rings so names on neighbouring rings do not sit on one line.
        offset = -math.pi / 2 + (ring - 1) * 0.5
        for index, person in enumerate(members):
            angle = offset + 2 * math.pi * index / len(members)
            x = round(c + radius * math.cos(angle), 1)
            y = round(c + radius * math.sin(angle), 1)
            label_y = round(y + 24 if y >= c else y - 14, 1)
            parts.append(
                f"<g><title>{_e(person.name)} ({_e(person.relation)}), ring {person.ring}</title>"
                f'<circle cx="{x}" cy="{y}" r="8" fill="#e3ecf8" stroke="{LINE}" '
                'stroke-width="1.5"/>'
                f'<text x="{x}" y="{label_y}" text-anchor="middle" font-size="14" fill="{INK}" '
                f'paint-order="stroke" stroke="#ffffff" stroke-width="3">{_e(_short(person.name))}'
                "</text></g>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _circle_description(people: Sequence[RingPerson]) -> str:
    if not people:
        return "You at the centre; your therapist has not shared anyone yet."
    rings = {1: "closest", 2: "middle", 3: "outer"}
    bits = [f"{p.name} on the {rings[min(max(p.ring, 1), 3)]} ring" for p in people]
    return "You at the centre, with " + ", ".join(bits) + "."


MOOD_WIDTH, MOOD_HEIGHT = 400, 220
LEFT, RIGHT, TOP, BOTTOM = 30, 16, 14, 184


def mood_line(
    points: Sequence[tuple[date, int]], *, first: date, last: date, low: int, high: int
) -> str:
    """The ratings from `first` to `last` as a line; days without a rating leave a gap."""
    span = max((last - first).days, 1)

    def x_of(day: date) -> float:
        return round(LEFT + (MOOD_WIDTH - LEFT - RIGHT) * (day - first).days / span, 1)

    def y_of(value: int) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * (value - low) / max(high - low, 1), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart portal-chart--mood" '
        f'viewBox="0 0 {MOOD_WIDTH} {MOOD_HEIGHT}" role="img" '
        'aria-labelledby="mood-title mood-desc">',
        f'<title id="mood-title">My mood from {dates.day_month(first)} to '
        f"{dates.day_month(last)}</title>",
        f'<desc id="mood-desc">{_e(_mood_description(points, low, high))}</desc>',
    ]
    for value in (low, (low + high) // 2, high):
        y = y_of(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{MOOD_WIDTH - RIGHT}" y2="{y}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" font-size="15" '
            f'fill="{MUTED}">{value}</text>'
        )
    week = first
    while week <= last:
        parts.append(
            f'<text x="{x_of(week)}" y="{MOOD_HEIGHT - 12}" text-anchor="middle" font-size="15" '
            f'fill="{MUTED}">{dates.day_month(week)}</text>'
        )
        week += timedelta(days=14)
    shown = sorted((day, value) for day, value in points if first <= day <= last)
    runs: list[list[tuple[date, int]]] = []
    for day, value in shown:
        # A line only joins ratings a few days apart: a long silence is not a trend.
        if runs and (day - runs[-1][-1][0]).days <= 3:
            runs[-1].append((day, value))
        else:
            runs.append([(day, value)])
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{x_of(d)},{y_of(v)}" for d, v in run)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{LINE}" stroke-width="2.5" '
                'stroke-linejoin="round" stroke-linecap="round"/>'
            )
    for day, value in shown:
        parts.append(
            f'<circle cx="{x_of(day)}" cy="{y_of(value)}" r="4" fill="{LINE}">'
            f"<title>{dates.day_month(day)}: {value}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _mood_description(points: Sequence[tuple[date, int]], low: int, high: int) -> str:
    if not points:
        return "No mood ratings in these weeks yet."
    values = [value for _, value in points]
    latest_day, latest = max(points)
    return (
        f"{len(values)} ratings on a scale of {low} to {high} ({high} is the best mood). "
        f"Lowest {min(values)}, highest {max(values)}, latest {latest} on "
        f"{dates.day_month(latest_day)}."
    )
