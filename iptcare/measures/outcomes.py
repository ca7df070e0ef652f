"""Outcome classes for a finished course, by the NHS Talking Therapies rules in §0.

Three-valued on purpose. ``True``/``False`` answer the question; ``None`` means the question
does not apply (recovery for a client who was never a case, response from a PHQ-9 start
below 10) or cannot be answered (the course is not eligible). A report that counts
"recovered" must count only True, and its denominator is the non-None values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from iptcare.measures import instruments

PairedMeasure: TypeAlias = Literal["phq9", "gad7"]

# Points of change on each measure that count as reliable (|last − first| >= threshold).
RELIABLE_CHANGE: dict[PairedMeasure, int] = {"phq9": 6, "gad7": 4}
MIN_SESSIONS_ATTENDED = 2
RESPONSE_MIN_FIRST_PHQ9 = 10  # response is judged only from a PHQ-9 start of 10 or more
REMISSION_BELOW_PHQ9 = 5


class OutcomeError(ValueError):
    """The scores or session count given cannot be classified; the message says why."""


@dataclass(frozen=True)
class MeasureChange:
    """First-to-last change on one measure, as a therapist would describe it."""

    instrument: PairedMeasure
    first: int
    last: int
    change: int  # last − first: negative means fewer symptoms
    reliable_change_threshold: int
    caseness_threshold: int
    reliable_drop: bool
    reliable_rise: bool
    case_at_start: bool
    case_at_end: bool
    explanation: str


@dataclass(frozen=True)
class Outcome:
    eligible: bool
    # Known whenever the first scores settle it, eligible or not (None: cannot tell yet).
    case_at_start: bool | None
    # The classes: None whenever the course is not eligible.
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    recovery: bool | None  # None also when not a case at the start
    reliable_recovery: bool | None  # None also when not a case at the start
    response: bool | None  # None also when the first PHQ-9 is below 10
    remission: bool | None
    phq9: MeasureChange | None  # present when both PHQ-9 scores are
    gad7: MeasureChange | None  # present when both GAD-7 scores are
    explanations: tuple[str, ...]  # one plain sentence per finding, in reading order


def measure_change(code: PairedMeasure, first: int, last: int) -> MeasureChange:
    """Summarise the change on PHQ-9 or GAD-7 between the first and last score."""
    if code not in RELIABLE_CHANGE:
        raise OutcomeError(f"reliable change is defined only for phq9 and gad7, not {code!r}")
    instrument = instruments.get(code)
    _check_score(instrument, "first", first)
    _check_score(instrument, "last", last)
    threshold = RELIABLE_CHANGE[code]
    caseness = instrument.caseness_threshold
    assert caseness is not None  # PHQ-9 and GAD-7 both define one
    change = last - first
    drop, rise = change <= -threshold, change >= threshold
    case_start, case_end = first >= caseness, last >= caseness

    name = instrument.short_name
    if change < 0:
        movement = f"{name} fell {first} → {last}"
    elif change > 0:
        movement = f"{name} rose {first} → {last}"
    else:
        movement = f"{name} stayed at {first}"
    if drop:
        reliability = f"a reliable drop (≥ {threshold})"
    elif rise:
        reliability = f"a reliable rise (≥ {threshold})"
    else:
        reliability = f"no reliable change (needs ≥ {threshold})"
    where = {
        (True, True): f"still at caseness (≥ {caseness})",
        (True, False): f"now below caseness (< {caseness})",
        (False, True): f"now at caseness (≥ {caseness})",
        (False, False): f"still below caseness (< {caseness})",
    }[(case_start, case_end)]

    return MeasureChange(
        instrument=code,
        first=first,
        last=last,
        change=change,
        reliable_change_threshold=threshold,
        caseness_threshold=caseness,
        reliable_drop=drop,
        reliable_rise=rise,
        case_at_start=case_start,
        case_at_end=case_end,
        explanation=f"{movement}: {reliability}; {where}.",
    )


def in_plain_words(change: MeasureChange) -> str:
    """The one sentence a client reads about a measure: its exact class (a reliable drop or
    rise, or a change within measurement noise) in everyday words, with no scores, cut-offs
    or class names. Therapists read `change.explanation` instead."""
    if change.reliable_drop:
        return "Your scores have come down a lot since you started."
    if change.reliable_rise:
        return (
            "Your scores are higher than when you started. Your therapist sees them too, "
            "and you can talk them through together."
        )
    if change.change < 0:
        return "Your scores have come down a little since you started."
    if change.change > 0:
        return "Your scores have gone up a little since you started."
    return "Your scores are the same as when you started."


def _key() -> str:
    phq9, gad7 = instruments.get("phq9"), instruments.get("gad7")
    return (
        f"Caseness: PHQ-9 ≥ {phq9.caseness_threshold} or GAD-7 ≥ {gad7.caseness_threshold}. "
        f"Reliable change: at least {RELIABLE_CHANGE['phq9']} points on PHQ-9, "
        f"{RELIABLE_CHANGE['gad7']} on GAD-7. Response: PHQ-9 at most half of a start of "
        f"{RESPONSE_MIN_FIRST_PHQ9} or more. Remission: PHQ-9 below {REMISSION_BELOW_PHQ9}."
    )


# What the therapist's outcome card's terms mean, from the thresholds above (§0).
KEY = _key()


def classify(
    phq9_first: int | None,
    phq9_last: int | None,
    gad7_first: int | None,
    gad7_last: int | None,
    attended: int,
    *,
    so_far: bool = False,
) -> Outcome:
    """Classify a course from its first and last PHQ-9 and GAD-7 and sessions attended.

    `so_far` for a course still open: the classes are the same, the sentences say "yet"
    and "now" where a finished course would say "at the end", so that a class the course
    may still reach never reads as a verdict beside "within the expected range"."""
    for code, moment, value in (
        ("phq9", "first", phq9_first),
        ("phq9", "last", phq9_last),
        ("gad7", "first", gad7_first),
        ("gad7", "last", gad7_last),
    ):
        if value is not None:
            _check_score(instruments.get(code), moment, value)
    if isinstance(attended, bool) or not isinstance(attended, int) or attended < 0:
        raise OutcomeError(f"sessions attended must be a whole number ≥ 0, not {attended!r}")

    phq9 = _change_if_paired("phq9", phq9_first, phq9_last)
    gad7 = _change_if_paired("gad7", gad7_first, gad7_last)
    case_at_start, case_line = _case_at_start(phq9_first, gad7_first)
    explanations: list[str] = []

    missing = _missing_scores(phq9_first, phq9_last, gad7_first, gad7_last)
    if attended < MIN_SESSIONS_ATTENDED or phq9 is None or gad7 is None:
        reasons = []
        if attended < MIN_SESSIONS_ATTENDED:
            sessions = "session" if attended == 1 else "sessions"
            reasons.append(f"{attended} {sessions} attended (needs ≥ {MIN_SESSIONS_ATTENDED})")
        reasons.extend(missing)
        explanations.append(f"Not eligible for outcome classes: {'; '.join(reasons)}.")
        explanations.append(case_line)
        explanations.extend(change.explanation for change in (phq9, gad7) if change)
        return Outcome(
            eligible=False,
            case_at_start=case_at_start,
            reliable_improvement=None,
            reliable_deterioration=None,
            recovery=None,
            reliable_recovery=None,
            response=None,
            remission=None,
            phq9=phq9,
            gad7=gad7,
            explanations=tuple(explanations),
        )

    explanations.append(
        f"Eligible: {attended} sessions attended, with first and last PHQ-9 and GAD-7."
    )
    explanations.append(case_line)
    explanations.extend((phq9.explanation, gad7.explanation))

    improvement, deterioration, change_line = _reliable_change(phq9, gad7)
    explanations.append(change_line)

    recovery, reliable_recovery, recovery_lines = _recovery(
        bool(case_at_start), phq9, gad7, improvement, so_far=so_far
    )
    explanations.extend(recovery_lines)

    response, response_line = _response(phq9, so_far=so_far)
    explanations.append(response_line)
    remission = phq9.last < REMISSION_BELOW_PHQ9
    ended = "is at" if so_far else "ended at"
    explanations.append(
        f"Remission: PHQ-9 {ended} {phq9.last} (< {REMISSION_BELOW_PHQ9})."
        if remission
        else f"No remission{' yet' if so_far else ''}: PHQ-9 {ended} {phq9.last} "
        f"(needs < {REMISSION_BELOW_PHQ9})."
    )

    return Outcome(
        eligible=True,
        case_at_start=case_at_start,
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
        recovery=recovery,
        reliable_recovery=reliable_recovery,
        response=response,
        remission=remission,
        phq9=phq9,
        gad7=gad7,
        explanations=tuple(explanations),
    )


def _check_score(instrument: instruments.Instrument, moment: str, value: object) -> None:
    lo, hi = instrument.score_range
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise OutcomeError(
            f"{moment} {instrument.short_name} must be a whole number from {lo} to {hi}, "
            f"not {value!r}"
        )


def _change_if_paired(
    code: PairedMeasure, first: int | None, last: int | None
) -> MeasureChange | None:
    if first is None or last is None:
        return None
    return measure_change(code, first, last)


def _missing_scores(
    phq9_first: int | None, phq9_last: int | None, gad7_first: int | None, gad7_last: int | None
) -> list[str]:
    named = (
        ("first PHQ-9", phq9_first),
        ("last PHQ-9", phq9_last),
        ("first GAD-7", gad7_first),
        ("last GAD-7", gad7_last),
    )
    return [f"no {name} score" for name, value in named if value is None]


def _case_at_start(phq9_first: int | None, gad7_first: int | None) -> tuple[bool | None, str]:
    readings = []
    at_caseness = []
    unknown = []
    for code, value in (("phq9", phq9_first), ("gad7", gad7_first)):
        instrument = instruments.get(code)
        caseness = instrument.caseness_threshold
        assert caseness is not None
        if value is None:
            unknown.append(f"no first {instrument.short_name}")
        elif value >= caseness:
            at_caseness.append(f"{instrument.short_name} {value} ≥ {caseness}")
        else:
            readings.append(f"{instrument.short_name} {value} < {caseness}")
    if at_caseness:
        # Either measure at caseness is enough, so a missing other score cannot undo it.
        return True, f"A case at the start: {' and '.join(at_caseness)}."
    if unknown:
        return None, f"Case at the start unknown: {' and '.join(unknown + readings)}."
    return False, f"Not a case at the start: {' and '.join(readings)}."


def _reliable_change(phq9: MeasureChange, gad7: MeasureChange) -> tuple[bool, bool, str]:
    drops = [c for c in (phq9, gad7) if c.reliable_drop]
    rises = [c for c in (phq9, gad7) if c.reliable_rise]

    def names(changes: list[MeasureChange]) -> str:
        return " and ".join(instruments.get(c.instrument).short_name for c in changes)

    # A measure cannot both drop and rise, so "a drop on one and no rise on the other"
    # is simply: some drop and no rise anywhere (and the mirror for deterioration).
    improvement = bool(drops) and not rises
    deterioration = bool(rises) and not drops
    if improvement:
        line = f"Reliable improvement: a reliable drop on {names(drops)}, and no reliable rise."
    elif deterioration:
        line = f"Reliable deterioration: a reliable rise on {names(rises)}, and no reliable drop."
    elif drops and rises:
        line = (
            f"No reliable change overall: {names(drops)} dropped reliably but "
            f"{names(rises)} rose reliably."
        )
    else:
        line = "No reliable change on either measure."
    return improvement, deterioration, line


def _recovery(
    case_at_start: bool,
    phq9: MeasureChange,
    gad7: MeasureChange,
    improvement: bool,
    *,
    so_far: bool,
) -> tuple[bool | None, bool | None, list[str]]:
    if not case_at_start:
        return (
            None,
            None,
            ["Recovery and reliable recovery not applicable: not a case at the start."],
        )
    still_cases = [change for change in (phq9, gad7) if change.case_at_end]
    recovery = not still_cases
    reliable_recovery = recovery and improvement
    at_the_end = "now" if so_far else "at the end"
    if recovery:
        lines = [
            f"Recovered{' so far' if so_far else ''}: a case at the start and below caseness "
            f"on both measures {at_the_end} (PHQ-9 {phq9.last} < {phq9.caseness_threshold}, "
            f"GAD-7 {gad7.last} < {gad7.caseness_threshold})."
        ]
    else:
        still = " and ".join(
            f"{instruments.get(c.instrument).short_name} {c.last} ≥ {c.caseness_threshold}"
            for c in still_cases
        )
        lines = [
            f"Not recovered{' yet' if so_far else ''}: still at caseness {at_the_end} ({still})."
        ]
    # Not recovered says all about reliable recovery too: no second line repeats it.
    if reliable_recovery:
        lines.append("Reliably recovered: recovered and reliably improved.")
    elif recovery:
        lines.append("Not reliably recovered: recovered without reliable improvement.")
    return recovery, reliable_recovery, lines


def _response(phq9: MeasureChange, *, so_far: bool) -> tuple[bool | None, str]:
    if phq9.first < RESPONSE_MIN_FIRST_PHQ9:
        return None, (
            f"Response not applicable: PHQ-9 started at {phq9.first}, "
            f"below {RESPONSE_MIN_FIRST_PHQ9}."
        )
    # last <= 50% of first, in whole numbers so 8.5 is never rounded.
    if 2 * phq9.last <= phq9.first:
        return True, f"Response: PHQ-9 {phq9.last} is at most half of {phq9.first}."
    return False, (
        f"No response{' yet' if so_far else ''}: PHQ-9 {phq9.last} is more than half of "
        f"{phq9.first} (needs {phq9.first // 2} or less)."
    )
