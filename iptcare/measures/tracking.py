"""Is a client on track? The expected PHQ-9 by session for a given starting score.

Pure Python, no Django. The rule (documented in docs/measures-scoring.md, "Not on track"):

* Expected score at session n = starting score × ratio(n), where ratio(n) is the typical
  fraction of the starting PHQ-9 left at session n.
* ratio(n) comes from the clinic's own completed courses when there are at least
  ``MIN_CLINIC_COURSES`` of them (median of score_n / first score over courses that started
  at 5 or more); otherwise from the default curve below.
* A client is *not on track* when, at session ``FIRST_SESSION_JUDGED`` or later, their latest
  score is more than ``MARGIN`` points above the expectation. The margin is the §0 reliable
  change threshold for PHQ-9: a gap smaller than that is within measurement noise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import median

MARGIN = 6
FIRST_SESSION_JUDGED = 3
MIN_CLINIC_COURSES = 30
MIN_POINTS_PER_SESSION = 10
MIN_START_FOR_RATIO = 5
# Default curve: about 45% of the starting score gone at the end of a 16-session course,
# most of it early (an exponential approach with a 5-session time constant), as in
# published IPT and IAPT session-by-session trajectories.
DEFAULT_MAX_DROP = 0.45
DEFAULT_TIME_CONSTANT = 5.0


def default_ratio(session_number: int) -> float:
    """Share of the starting score expected at a session, by the default curve."""
    n = max(session_number, 1)
    return 1 - DEFAULT_MAX_DROP * (1 - math.exp(-(n - 1) / DEFAULT_TIME_CONSTANT))


@dataclass(frozen=True)
class Curve:
    """ratio by session number; sessions without enough data fall back as documented."""

    ratios: Mapping[int, float]
    source: str  # "clinic" or "default"
    courses: int  # completed courses behind a clinic curve

    def ratio(self, session_number: int) -> float:
        if self.source == "default" or not self.ratios:
            return default_ratio(session_number)
        known = [n for n in self.ratios if n <= session_number]
        # Past the clinic's data, the last known ratio holds.
        return self.ratios[max(known)] if known else 1.0

    def expected(self, start: int, session_number: int) -> float:
        return round(start * self.ratio(session_number), 1)


DEFAULT_CURVE = Curve(ratios={}, source="default", courses=0)


def clinic_curve(courses: Iterable[Iterable[tuple[int, int]]]) -> Curve:
    """Build the curve from completed courses, each a list of (session number, PHQ-9 total).

    Falls back to the default when fewer than MIN_CLINIC_COURSES courses qualify.
    """
    by_session: dict[int, list[float]] = {}
    qualifying = 0
    for points in courses:
        ordered = sorted(points)
        if not ordered or ordered[0][1] < MIN_START_FOR_RATIO:
            continue
        qualifying += 1
        start = ordered[0][1]
        for session_number, total in ordered:
            by_session.setdefault(session_number, []).append(total / start)
    if qualifying < MIN_CLINIC_COURSES:
        return Curve(ratios={}, source="default", courses=qualifying)
    ratios = {
        n: round(median(values), 3)
        for n, values in sorted(by_session.items())
        if len(values) >= MIN_POINTS_PER_SESSION
    }
    return Curve(ratios=ratios, source="clinic", courses=qualifying)


@dataclass(frozen=True)
class TrackStatus:
    on_track: bool
    start: int
    latest: int
    session_number: int
    expected: float
    reason: str


def track_status(
    *, start: int, latest: int, session_number: int, curve: Curve, short_name: str = "PHQ-9"
) -> TrackStatus | None:
    """None before the first session judged; else whether the client is on track, and why."""
    if session_number < FIRST_SESSION_JUDGED:
        return None
    expected = curve.expected(start, session_number)
    where = "this clinic's completed courses" if curve.source == "clinic" else "the default curve"
    gap = latest - expected
    if gap > MARGIN:
        reason = (
            f"{short_name} {latest} at session {session_number}: expected about "
            f"{expected:g} from a start of {start} ({where}); {gap:g} points above, "
            f"more than the margin of {MARGIN}."
        )
        return TrackStatus(False, start, latest, session_number, expected, reason)
    reason = (
        f"{short_name} {latest} at session {session_number}: within {MARGIN} points of the "
        f"expected {expected:g} from a start of {start} ({where})."
    )
    return TrackStatus(True, start, latest, session_number, expected, reason)
