"""Scoring of the self-report measures, exactly as ``measures.md`` §0 binds it.

Answers arrive as option *positions* (0 = the first option the client saw), never as
scores: on the EPDS the top option is worth 3 on some items and 0 on others, and only the
instrument's own option table knows which. Pure Python; no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from iptcare.measures import instruments
from iptcare.measures.instruments import (
    MOOD_RANGE_ADULT,
    MOOD_RANGE_IPT_A,
    NOT_APPLICABLE,
    PCL5_CLUSTERS,
    PCL5_SYMPTOM_PRESENT_AT,
    Instrument,
)

Answer: TypeAlias = int | None | Literal["na"]
"""An option position (0 = first option), None for a skipped item, or "na" (WSAS work)."""

RiskItemRef: TypeAlias = int | str
"""A 1-based item number, or the key of an extra question such as "suicide_month"."""


class ScoringError(ValueError):
    """The answers cannot be scored; the message says why in words a person can act on."""


@dataclass(frozen=True)
class Score:
    instrument: str
    # True whenever there is a total, prorated or not; False means "not enough answers".
    complete: bool
    total: int | None
    prorated: bool
    severity: str | None  # band key, e.g. "moderately_severe"
    severity_label: str | None
    # Raised from the safety items alone, so it holds even when ``complete`` is False.
    risk: bool
    risk_items: tuple[RiskItemRef, ...]
    answered: int  # items with a score; "na" and skipped items do not count
    item_scores: tuple[int | None, ...]  # the scores behind the positions, None if missing
    pcl5_cluster_rule_met: bool | None = None  # only for a complete PCL-5
    # Answers to the unscored extra questions, e.g. {"difficulty": 2, "attempt_ever": False}.
    extras: Mapping[str, int | bool] = field(default_factory=dict)
    # Safety questions left blank: no flag, but the therapist should ask in person.
    risk_items_unanswered: tuple[RiskItemRef, ...] = ()

    @property
    def difficulty(self) -> int | None:
        """The PHQ "how difficult" answer (0–3): stored and shown, never in the total."""
        value = self.extras.get("difficulty")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest whole number, halves going up.

    Integer arithmetic, because Python's round() rounds halves to even (4.5 → 4) and float
    division can land a hair below an exact half.
    """
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up takes a non-negative numerator and positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def score(
    code: str, answers: Sequence[Answer], *, extras: Mapping[str, object] | None = None
) -> Score:
    """Score one administration of a questionnaire.

    ``answers`` has one entry per item, in item order. ``extras`` answers the unscored
    questions: ``{"difficulty": 0-3}`` on the PHQ-9 and PHQ-A, and ``True``/``False`` for
    the PHQ-A's yes/no questions (``suicide_month``, ``attempt_ever``,
    ``past_year_depressed``).
    """
    instrument = _questionnaire(code)
    item_scores = _item_scores(instrument, answers)
    extra_answers = _extra_answers(instrument, extras)

    answered_scores = [item_score for item_score in item_scores if item_score is not None]
    answered = len(answered_scores)
    missing = instrument.item_count - answered
    total: int | None
    if missing == 0:
        total, prorated = sum(answered_scores), False
    elif missing <= instrument.max_prorated_missing:
        # Same as filling each gap with the mean of the answered items (NHS rule).
        total = round_half_up(sum(answered_scores) * instrument.item_count, answered)
        prorated = True
    else:
        total, prorated = None, False

    band = instrument.band_for(total) if total is not None else None
    risk_items, unanswered = _risk(instrument, item_scores, extra_answers)
    cluster_rule = (
        _pcl5_cluster_rule_met(item_scores)
        if instrument is instruments.PCL5 and total is not None
        else None
    )
    return Score(
        instrument=instrument.code,
        complete=total is not None,
        total=total,
        prorated=prorated,
        severity=band.key if band else None,
        severity_label=band.label if band else None,
        risk=bool(risk_items),
        risk_items=risk_items,
        answered=answered,
        item_scores=item_scores,
        pcl5_cluster_rule_met=cluster_rule,
        extras=extra_answers,
        risk_items_unanswered=unanswered,
    )


def risk_raised(
    instrument: Instrument,
    answers: Sequence[object],
    *,
    extras: Mapping[str, object] | None = None,
) -> bool:
    """Whether these answers, complete or not, touch a safety item: the same rule as
    ``score(...).risk``, asked while the client is still answering (the crisis box)."""
    return bool(risky_items(instrument, answers, extras=extras))


def risky_items(
    instrument: Instrument,
    answers: Sequence[object],
    *,
    extras: Mapping[str, object] | None = None,
) -> tuple[RiskItemRef, ...]:
    """The safety items these answers, complete or not, touch (item numbers, extra keys):
    the crisis card goes under each."""
    flagged, _ = _risk(
        instrument, _item_scores(instrument, answers), _extra_answers(instrument, extras)
    )
    return flagged


def validate_mood_rating(rating: object, *, ipt_a: bool = False) -> int:
    """Return the session mood rating if it is on the client's scale, else raise.

    Adults rate 0–10 and IPT-A clients 1–10; 10 is the best mood on both.
    """
    lo, hi = MOOD_RANGE_IPT_A if ipt_a else MOOD_RANGE_ADULT
    if isinstance(rating, bool) or not isinstance(rating, int) or not lo <= rating <= hi:
        who = "an IPT-A client" if ipt_a else "an adult"
        raise ScoringError(
            f"mood rating for {who} must be a whole number from {lo} to {hi} "
            f"(10 is the best mood), not {rating!r}"
        )
    return rating


def _questionnaire(code: object) -> Instrument:
    if not isinstance(code, str) or code not in instruments.QUESTIONNAIRE_CODES:
        if code == instruments.MOOD.code:
            raise ScoringError("the mood rating is not a questionnaire; use validate_mood_rating")
        known = ", ".join(instruments.QUESTIONNAIRE_CODES)
        raise ScoringError(f"unknown instrument {code!r}; choose one of: {known}")
    return instruments.get(code)


def _item_scores(instrument: Instrument, answers: object) -> tuple[int | None, ...]:
    name = instrument.short_name
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ScoringError(f"{name} answers must be a list with one entry per item")
    if len(answers) != instrument.item_count:
        raise ScoringError(
            f"{name} has {instrument.item_count} items but {len(answers)} answers were given"
        )
    scores: list[int | None] = []
    for item, answer in zip(instrument.items, answers, strict=True):
        last = len(item.options) - 1
        if answer is None:
            scores.append(None)
        elif isinstance(answer, str) and answer == NOT_APPLICABLE:
            if item.not_applicable is None:
                raise ScoringError(
                    f'{name} item {item.number} cannot be answered "not applicable"'
                    + _where_na_is_allowed(instrument)
                )
            scores.append(None)
        elif isinstance(answer, bool) or not isinstance(answer, int):
            raise ScoringError(
                f"{name} item {item.number}: {answer!r} is not an answer; give the option "
                f"position 0–{last}, or None if the item was skipped"
            )
        elif not 0 <= answer <= last:
            raise ScoringError(
                f"{name} item {item.number}: option {answer} is out of range; "
                f"the {len(item.options)} options are numbered 0–{last}"
            )
        else:
            scores.append(item.options[answer].score)
    return tuple(scores)


def _where_na_is_allowed(instrument: Instrument) -> str:
    allowed = [item.number for item in instrument.items if item.not_applicable]
    if not allowed:
        return f" (no {instrument.short_name} item allows it)"
    return f" (only item {', '.join(map(str, allowed))} allows it)"


def _extra_answers(instrument: Instrument, extras: object) -> dict[str, int | bool]:
    if extras is None:
        return {}
    name = instrument.short_name
    if not isinstance(extras, Mapping):
        raise ScoringError("extras must be a mapping of question key to answer")
    accepted: dict[str, int | bool] = {}
    for key, reply in extras.items():
        question = instrument.extra(key) if isinstance(key, str) else None
        if question is None:
            allowed = ", ".join(extra.key for extra in instrument.extras) or "none"
            raise ScoringError(f"{name} has no extra question {key!r} (it has: {allowed})")
        if reply is None:  # left blank
            continue
        if question.kind == "yes_no":
            if not isinstance(reply, bool):
                raise ScoringError(f"{name} {key} must be True (yes) or False (no), not {reply!r}")
            accepted[key] = reply
        else:
            last = len(question.options) - 1
            if isinstance(reply, bool) or not isinstance(reply, int) or not 0 <= reply <= last:
                raise ScoringError(
                    f"{name} {key} must be an option position from 0 to {last}, not {reply!r}"
                )
            accepted[key] = question.options[reply].score
    return accepted


def _risk(
    instrument: Instrument,
    item_scores: tuple[int | None, ...],
    extra_answers: Mapping[str, int | bool],
) -> tuple[tuple[RiskItemRef, ...], tuple[RiskItemRef, ...]]:
    flagged: list[RiskItemRef] = []
    unanswered: list[RiskItemRef] = []
    for rule in instrument.risk_items:
        # The item's SCORE, not its position: EPDS item 10 puts its worst answer first.
        item_score = item_scores[rule.item - 1]
        if item_score is None:
            unanswered.append(rule.item)
        elif item_score >= rule.min_score:
            flagged.append(rule.item)
    for question in instrument.extras:
        if not question.risk_if_yes:
            continue
        reply = extra_answers.get(question.key)
        if reply is None:
            unanswered.append(question.key)
        elif reply is True:
            flagged.append(question.key)
    return tuple(flagged), tuple(unanswered)


def _pcl5_cluster_rule_met(item_scores: tuple[int | None, ...]) -> bool:
    def symptoms(items: tuple[int, ...]) -> int:
        return sum(
            1
            for number in items
            if (item_score := item_scores[number - 1]) is not None
            and item_score >= PCL5_SYMPTOM_PRESENT_AT
        )

    return all(symptoms(items) >= needed for _cluster, items, needed in PCL5_CLUSTERS)
