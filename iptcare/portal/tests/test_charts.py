"""The portal's drawings are valid SVG, escape names, and leave gaps where days are missing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from iptcare.portal import charts

SVG = "{http://www.w3.org/2000/svg}"
FIRST, LAST = date(2025, 9, 1), date(2025, 10, 26)


def test_the_mood_line_joins_close_days_and_breaks_at_a_long_silence() -> None:
    points = [(FIRST + timedelta(days=d), v) for d, v in [(0, 3), (2, 4), (3, 5), (20, 6), (21, 7)]]
    svg = ET.fromstring(charts.mood_line(points, first=FIRST, last=LAST, low=0, high=10))
    lines = svg.findall(f"{SVG}polyline")
    assert [len(line.get("points", "").split()) for line in lines] == [3, 2]
    assert len(svg.findall(f"{SVG}circle")) == 5
    assert "latest 7" in (svg.findtext(f"{SVG}desc") or "")


def test_the_mood_line_puts_the_best_mood_at_the_top() -> None:
    svg = ET.fromstring(
        charts.mood_line([(FIRST, 1), (LAST, 10)], first=FIRST, last=LAST, low=1, high=10)
    )
    low, high = svg.findall(f"{SVG}circle")
    assert float(high.get("cy", 0)) < float(low.get("cy", 0))
    assert float(low.get("cx", 0)) < float(high.get("cx", 0))


def test_an_empty_mood_line_says_so() -> None:
    svg = ET.fromstring(charts.mood_line([], first=FIRST, last=LAST, low=0, high=10))
    assert svg.findtext(f"{SVG}desc") == "No mood ratings in these weeks yet."
    assert svg.findall(f"{SVG}circle") == []


def test_the_relationship_circle_places_everyone_and_escapes_names() -> None:
    people = [charts.RingPerson(f"P{i} <&>", "friend", ring=i % 3 + 1) for i in range(7)]
    svg = ET.fromstring(charts.relationship_circle(people, client_name="Jo & co"))
    groups = svg.findall(f"{SVG}g")
    assert len(groups) == 7
    assert all((g.findtext(f"{SVG}title") or "").startswith("P") for g in groups)
    assert "P0 <&> on the closest ring" in (svg.findtext(f"{SVG}desc") or "")
