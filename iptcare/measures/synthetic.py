"""Synthetic answers for the demo and the benchmark: plausible item patterns for a total.

Pure Python. Only synthetic people ever get these answers.
"""

from __future__ import annotations

import math
import random

from iptcare.measures import instruments


def positions_for_total(
    code: str, total: int, *, rng: random.Random | None = None, risk: int = 0
) -> list[int]:
    """Option positions whose scores add up to `total` (EPDS reversed items handled).

    `risk` sets the score of the instrument's safety item (PHQ-9/PHQ-A item 9); the rest
    is spread over the other items, a little unevenly when an rng is given.
    """
    instrument = instruments.get(code)
    items = instrument.items
    top = [max(o.score for o in item.options) for item in items]
    safety = {rule.item for rule in instrument.risk_items}
    scores = [0] * len(items)
    for number in safety:
        scores[number - 1] = min(risk, top[number - 1])
    remaining = max(
        0, min(total - sum(scores), sum(t for n, t in enumerate(top) if n + 1 not in safety))
    )
    order = [n for n in range(len(items)) if n + 1 not in safety]
    while remaining > 0:
        candidates = [n for n in order if scores[n] < top[n]]
        if not candidates:
            break
        pick = rng.choice(candidates) if rng else min(candidates, key=lambda n: (scores[n], n))
        scores[pick] += 1
        remaining -= 1
    positions = []
    for item, item_score in zip(items, scores, strict=True):
        positions.append(
            next(p for p, option in enumerate(item.options) if option.score == item_score)
        )
    return positions


def trajectory(
    start: int, sessions: int, *, kind: str, rng: random.Random, top: int = 27
) -> list[int]:
    """Scores by session for a course: "recovering", "slow" or "stuck", with noise."""
    drop = {"recovering": 0.65, "slow": 0.35, "stuck": 0.0}[kind]
    scores = []
    for n in range(sessions):
        expected = start * (1 - drop * (1 - math.exp(-n / 4)))
        scores.append(max(0, min(top, round(expected + rng.gauss(0, 1.6)))))
    return scores
