"""Score charts as plain SVG geometry, drawn by `measures/_chart.svg`.

No JavaScript and no inline styles (the CSP forbids them): colours are SVG presentation
attributes, so the same markup works in the page, in print and in a PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from iptcare.core import dates
from iptcare.measures import instruments

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 166, 14, 34
# The portal chart is drawn small, so phones show its labels at a readable size.
CALM_WIDTH, CALM_HEIGHT, CALM_RIGHT = 360, 200, 24
# Light fills from calm to urgent, one per band in order (WCAG: the band name is also text).
BAND_FILLS = ("#e8f4ec", "#f3f6dc", "#fdf2d8", "#fbe3d3", "#f8d7d7")
CALM_LINE = "#2e6f8e"
LINE = "#1d4f91"
FLAG = "#a4161a"


@dataclass(frozen=True)
class ChartPoint:
    day: date
    total: int | None  # None: incomplete, drawn as a flag marker on the axis only
    session_number: int
    flagged: bool = False
    label: str = ""


@dataclass
class Chart:
    code: str
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    bands: list[dict[str, object]] = field(default_factory=list)
    y_ticks: list[dict[str, object]] = field(default_factory=list)
    x_ticks: list[dict[str, object]] = field(default_factory=list)
    path: str = ""
    points: list[dict[str, object]] = field(default_factory=list)
    flags: list[dict[str, object]] = field(default_factory=list)
    phases: list[dict[str, object]] = field(default_factory=list)
    events: list[dict[str, object]] = field(default_factory=list)
    description: str = ""
    calm: bool = False
    line: str = LINE
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.plot_left

    @property
    def empty(self) -> bool:
        return not self.points and not self.flags


def build_chart(
    code: str,
    points: Sequence[ChartPoint],
    *,
    phase_starts: Sequence[tuple[date, str]] = (),
    life_events: Sequence[tuple[date, str]] = (),
    calm: bool = False,
) -> Chart:
    """Lay out one instrument's scores by date, with bands, phases, events and flags."""
    instrument = instruments.get(code)
    lo, hi = instrument.score_range
    chart = Chart(code=code, title=instrument.short_name, calm=calm)
    chart.line = CALM_LINE if calm else LINE
    if calm:
        chart.width, chart.height = CALM_WIDTH, CALM_HEIGHT
        chart.plot_right = CALM_WIDTH - CALM_RIGHT
        chart.plot_bottom = CALM_HEIGHT - BOTTOM
    if not points:
        return chart
    first_day = min(p.day for p in points)
    last_day = max(p.day for p in points)
    if last_day - first_day < timedelta(days=14):
        last_day = first_day + timedelta(days=14)
    span = (last_day - first_day).days or 1
    x0, x1, y0, y1 = chart.plot_left, chart.plot_right, chart.plot_top, chart.plot_bottom

    def x(day: date) -> float:
        return round(x0 + (x1 - x0) * (day - first_day).days / span, 1)

    def y(value: float) -> float:
        return round(y1 - (y1 - y0) * (value - lo) / (hi - lo), 1)

    if not calm:
        for n, band in enumerate(instrument.bands):
            top, bottom = y(min(band.hi + 1, hi) if band.hi < hi else hi), y(band.lo)
            chart.bands.append(
                {
                    "y": top,
                    "height": round(bottom - top, 1),
                    "fill": BAND_FILLS[min(n, len(BAND_FILLS) - 1)]
                    if len(instrument.bands) > 2
                    else BAND_FILLS[n * 3],
                    "label": band.label,
                    "label_y": round((top + bottom) / 2 + 4, 1),
                }
            )
    step = 5 if hi <= 30 else 10
    chart.y_ticks = [{"y": y(v), "label": v} for v in range(lo, hi + 1, step)]
    tick_days = sorted({first_day, last_day, first_day + (last_day - first_day) / 2})
    anchors = {first_day: "start", last_day: "end"}
    chart.x_ticks = [
        {"x": x(d), "label": dates.day_month(d), "anchor": anchors.get(d, "middle")}
        for d in tick_days
    ]

    drawn = [(p, p.total) for p in points if p.total is not None]
    chart.path = " ".join(
        f"{'M' if n == 0 else 'L'}{x(p.day)},{y(total)}" for n, (p, total) in enumerate(drawn)
    )
    chart.points = [
        {
            "x": x(p.day),
            "y": y(total),
            "title": f"{dates.day_month(p.day)}: {total} (session {p.session_number})",
        }
        for p, total in drawn
    ]
    if not calm:
        chart.flags = [
            {
                "x": x(p.day),
                "y": y(p.total) if p.total is not None else y(hi) + 8,
                "title": f"Risk flag {dates.day_month(p.day)}: {p.label}",
            }
            for p in points
            if p.flagged
        ]
        chart.phases = [
            {"x": x(d), "label": label} for d, label in phase_starts if first_day <= d <= last_day
        ]
        chart.events = [
            {"x": x(d), "label": label[:40], "title": f"{dates.day_month(d)}: {label}"}
            for d, label in life_events
            if first_day <= d <= last_day
        ]
    latest = drawn[-1] if drawn else None
    chart.description = (
        f"{instrument.short_name}: {len(drawn)} scores from {dates.day_month(first_day)} to "
        f"{dates.day_month(max(p.day for p in points))}"
        + (f", latest {latest[1]}" if latest else "")
        + "."
    )
    return chart
