"""Scoring against hand-computed cases (measures.md §0), plus property tests.

Answers in the table are option POSITIONS as the client saw them. For PHQ-9, PHQ-A, GAD-7,
PCL-5 and WSAS position equals score; on the EPDS it does not (items 3 and 5–10 score 3→0
from the top option), and the comments give the scores each case was computed from.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptcare.measures import instruments
from iptcare.measures.instruments import NOT_APPLICABLE, Instrument
from iptcare.measures.scoring import (
    Answer,
    Score,
    ScoringError,
    round_half_up,
    score,
    validate_mood_rating,
)

N = None  # a skipped item, kept short so the rows line up
NA: Final = NOT_APPLICABLE
EPDS_ZERO = [0, 0, 3, 0, 3, 3, 3, 3, 3, 3]  # the position that scores 0 on each EPDS item


class Case(NamedTuple):
    id: str
    code: str
    answers: Sequence[Answer]
    total: int | None  # None: incomplete
    severity: str | None
    risk_items: tuple[int | str, ...] = ()
    prorated: bool = False
    extras: dict[str, object] | None = None
    cluster_rule: bool | None = None  # PCL-5 only


CASES = [
    # --- PHQ-9: every band edge on both sides -------------------------------------------
    Case("phq9 all zero", "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
    Case("phq9 4 minimal", "phq9", [1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
    Case("phq9 5 mild", "phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
    Case("phq9 9 mild, item 9 at 1", "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1], 9, "mild", (9,)),
    Case("phq9 10 moderate", "phq9", [2, 2, 2, 2, 1, 1, 0, 0, 0], 10, "moderate"),
    Case("phq9 14 moderate", "phq9", [2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
    Case("phq9 15 mod severe", "phq9", [3, 3, 3, 2, 2, 2, 0, 0, 0], 15, "moderately_severe"),
    Case("phq9 19 mod severe", "phq9", [3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "moderately_severe"),
    Case("phq9 20 severe", "phq9", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
    Case("phq9 27 severe", "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe", (9,)),
    Case("phq9 item 9 alone flags", "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 3], 3, "minimal", (9,)),
    # --- PHQ-9 prorating: round_half_up(sum × 9 / answered) ------------------------------
    Case(
        "phq9 13 over 8 is 14.625 -> 15",
        "phq9",
        [3, 3, 3, 1, 1, 1, 1, N, 0],
        15,
        "moderately_severe",
        prorated=True,
    ),
    Case(
        "phq9 4 over 8 is 4.5 -> 5, not banker's 4",
        "phq9",
        [1, 1, 1, 1, N, 0, 0, 0, 0],
        5,
        "mild",
        prorated=True,
    ),
    Case(
        "phq9 12 over 8 is 13.5 -> 14",
        "phq9",
        [3, 3, 3, 3, 0, 0, 0, 0, N],
        14,
        "moderate",
        prorated=True,
    ),
    Case(
        "phq9 10 over 8 is 11.25 -> 11",
        "phq9",
        [2, 2, 2, 2, 2, 0, 0, 0, N],
        11,
        "moderate",
        prorated=True,
    ),
    Case(
        "phq9 16 over 8 is exactly 18",
        "phq9",
        [2, 2, 2, 2, 2, 2, 2, 2, N],
        18,
        "moderately_severe",
        prorated=True,
    ),
    Case(
        "phq9 2 missing, 7 over 7 is 9",
        "phq9",
        [1, 1, 1, 1, 1, 1, 1, N, N],
        9,
        "mild",
        prorated=True,
    ),
    Case(
        "phq9 2 missing, 8 over 7 is 10.29 -> 10",
        "phq9",
        [2, 1, 1, 1, 1, 1, 1, N, N],
        10,
        "moderate",
        prorated=True,
    ),
    Case("phq9 3 missing is incomplete", "phq9", [3, 3, 3, 3, 3, 3, N, N, N], None, None),
    Case("phq9 nothing answered", "phq9", [N, N, N, N, N, N, N, N, N], None, None),
    Case(
        "phq9 risk while incomplete",
        "phq9",
        [N, N, N, 0, 0, 0, 0, 0, 2],
        None,
        None,
        (9,),
    ),
    Case(
        "phq9 difficulty never added",
        "phq9",
        [0, 0, 0, 0, 0, 0, 0, 0, 0],
        0,
        "minimal",
        extras={"difficulty": 3},
    ),
    # --- GAD-7 ---------------------------------------------------------------------------
    Case("gad7 all zero", "gad7", [0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
    Case("gad7 4 minimal", "gad7", [1, 1, 1, 1, 0, 0, 0], 4, "minimal"),
    Case("gad7 5 mild", "gad7", [1, 1, 1, 1, 1, 0, 0], 5, "mild"),
    Case("gad7 9 mild", "gad7", [2, 2, 2, 1, 1, 1, 0], 9, "mild"),
    Case("gad7 10 moderate", "gad7", [2, 2, 2, 2, 1, 1, 0], 10, "moderate"),
    Case("gad7 14 moderate", "gad7", [2, 2, 2, 2, 2, 2, 2], 14, "moderate"),
    Case("gad7 15 severe", "gad7", [3, 3, 3, 2, 2, 1, 1], 15, "severe"),
    Case("gad7 21 severe, no risk item", "gad7", [3, 3, 3, 3, 3, 3, 3], 21, "severe"),
    Case(
        "gad7 9 over 6 is 10.5 -> 11",
        "gad7",
        [3, 3, 3, 0, 0, 0, N],
        11,
        "moderate",
        prorated=True,
    ),
    Case(
        "gad7 3 over 6 is 3.5 -> 4",
        "gad7",
        [1, 1, 1, 0, 0, 0, N],
        4,
        "minimal",
        prorated=True,
    ),
    Case(
        "gad7 4 over 6 is 4.67 -> 5 crosses into mild",
        "gad7",
        [N, 1, 1, 1, 1, 0, 0],
        5,
        "mild",
        prorated=True,
    ),
    Case("gad7 2 missing is incomplete", "gad7", [3, 3, 3, 3, 3, N, N], None, None),
    # --- PHQ-A ---------------------------------------------------------------------------
    Case(
        "phqa zero, both extras no",
        "phqa",
        [0, 0, 0, 0, 0, 0, 0, 0, 0],
        0,
        "minimal",
        extras={"suicide_month": False, "attempt_ever": False},
    ),
    Case("phqa item 9 flags", "phqa", [1, 1, 0, 0, 0, 0, 0, 0, 1], 3, "minimal", (9,)),
    Case(
        "phqa serious thoughts this month flags",
        "phqa",
        [0, 0, 0, 0, 0, 0, 0, 0, 0],
        0,
        "minimal",
        ("suicide_month",),
        extras={"suicide_month": True, "attempt_ever": False},
    ),
    Case(
        "phqa attempt ever flags",
        "phqa",
        [1, 1, 1, 1, 1, 0, 0, 0, 0],
        5,
        "mild",
        ("attempt_ever",),
        extras={"attempt_ever": True},
    ),
    Case(
        "phqa item 9 and both extras",
        "phqa",
        [2, 2, 2, 2, 1, 1, 0, 0, 1],
        11,
        "moderate",
        (9, "suicide_month", "attempt_ever"),
        extras={"suicide_month": True, "attempt_ever": True},
    ),
    Case("phqa 19 mod severe", "phqa", [3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "moderately_severe"),
    Case("phqa 20 severe", "phqa", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
    Case(
        "phqa 2 missing, 14 over 7 is 18",
        "phqa",
        [2, 2, 2, 2, 2, 2, 2, N, N],
        18,
        "moderately_severe",
        prorated=True,
    ),
    Case(
        "phqa incomplete but attempt flags",
        "phqa",
        [N, N, N, 0, 0, 0, 0, 0, 0],
        None,
        None,
        ("attempt_ever",),
        extras={"attempt_ever": True},
    ),
    # --- EPDS: own options per item, reverse-scored 3, 5–10 ------------------------------
    Case("epds zero-scoring options", "epds", EPDS_ZERO, 0, "low"),
    # scores 0,0,3,0,3,3,3,3,3,3
    Case("epds every top option is 21", "epds", [0] * 10, 21, "probable_depression", (10,)),
    # scores 3,3,0,3,0,0,0,0,0,0
    Case("epds every bottom option is 9", "epds", [3] * 10, 9, "low"),
    # scores 3,3,1,3,0,... = 10
    Case("epds 10 possible", "epds", [3, 3, 2, 3, 3, 3, 3, 3, 3, 3], 10, "possible_depression"),
    # scores 3,3,3,3,0,... = 12
    Case("epds 12 possible", "epds", [3, 3, 0, 3, 3, 3, 3, 3, 3, 3], 12, "possible_depression"),
    # scores 3,3,3,3,1,0,... = 13
    Case("epds 13 probable", "epds", [3, 3, 0, 3, 2, 3, 3, 3, 3, 3], 13, "probable_depression"),
    # scores 3,3,3,3,3,3,3,3,3,3
    Case("epds 30", "epds", [3, 3, 0, 3, 0, 0, 0, 0, 0, 0], 30, "probable_depression", (10,)),
    # scores 1,2,2,2,1,2,1,2,1,0 = 14
    Case("epds mixed 14", "epds", [1, 2, 1, 2, 2, 1, 2, 1, 2, 3], 14, "probable_depression"),
    # item 10 "Hardly ever" (3rd option) scores 1: flagged though the total is low
    Case("epds item 10 hardly ever", "epds", [0, 0, 3, 0, 3, 3, 3, 3, 3, 2], 1, "low", (10,)),
    Case("epds item 10 quite often", "epds", [0, 0, 3, 0, 3, 3, 3, 3, 3, 0], 3, "low", (10,)),
    Case("epds item 10 never", "epds", [3, 3, 0, 3, 0, 0, 0, 0, 0, 3], 27, "probable_depression"),
    Case("epds one missing is incomplete", "epds", [0, 0, 3, 0, 3, 3, 3, 3, 3, N], None, None),
    # item 10 "Sometimes" (2nd option) scores 2
    Case(
        "epds incomplete but item 10 flags",
        "epds",
        [N, 0, 3, 0, 3, 3, 3, 3, 3, 1],
        None,
        None,
        (10,),
    ),
    # --- PCL-5: total bands and the DSM-5 cluster rule ----------------------------------
    Case("pcl5 zero", "pcl5", [0] * 20, 0, "below_threshold", cluster_rule=False),
    Case(
        "pcl5 30 below, E has one symptom",
        "pcl5",
        [2] * 15 + [0] * 5,
        30,
        "below_threshold",
        cluster_rule=False,
    ),
    Case(
        "pcl5 31 probable, item 16 at 1 is no symptom",
        "pcl5",
        [2] * 15 + [1] + [0] * 4,
        31,
        "probable_ptsd",
        cluster_rule=False,
    ),
    Case("pcl5 32, rule met", "pcl5", [2] * 16 + [0] * 4, 32, "probable_ptsd", cluster_rule=True),
    Case(
        "pcl5 rule met on a low total",
        "pcl5",
        [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0],
        12,
        "below_threshold",
        cluster_rule=True,
    ),
    Case(
        "pcl5 only one D symptom",
        "pcl5",
        [2, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0],
        10,
        "below_threshold",
        cluster_rule=False,
    ),
    Case(
        "pcl5 no C symptom",
        "pcl5",
        [2, 2, 2, 2, 2, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
        38,
        "probable_ptsd",
        cluster_rule=False,
    ),
    Case(
        "pcl5 high total with no B symptom",
        "pcl5",
        [1] * 5 + [4] * 15,
        65,
        "probable_ptsd",
        cluster_rule=False,
    ),
    Case("pcl5 80", "pcl5", [4] * 20, 80, "probable_ptsd", cluster_rule=True),
    Case(
        "pcl5 item 16 is not a risk flag",
        "pcl5",
        [0] * 15 + [4] + [0] * 4,
        4,
        "below_threshold",
        cluster_rule=False,
    ),
    Case("pcl5 one missing is incomplete", "pcl5", [N] + [4] * 19, None, None),
    # --- WSAS ----------------------------------------------------------------------------
    Case("wsas zero", "wsas", [0, 0, 0, 0, 0], 0, "subclinical"),
    Case("wsas 9 subclinical", "wsas", [2, 2, 2, 2, 1], 9, "subclinical"),
    Case("wsas 10 significant", "wsas", [2, 2, 2, 2, 2], 10, "significant_impairment"),
    Case("wsas 20 significant", "wsas", [4, 4, 4, 4, 4], 20, "significant_impairment"),
    Case("wsas 21", "wsas", [5, 4, 4, 4, 4], 21, "moderately_severe_or_worse"),
    Case("wsas 40", "wsas", [8, 8, 8, 8, 8], 40, "moderately_severe_or_worse"),
    Case(
        "wsas work na, 8 over 4 is 10",
        "wsas",
        [NA, 2, 2, 2, 2],
        10,
        "significant_impairment",
        prorated=True,
    ),
    Case(
        "wsas work na, 7 over 4 is 8.75 -> 9",
        "wsas",
        [NA, 2, 2, 2, 1],
        9,
        "subclinical",
        prorated=True,
    ),
    Case(
        "wsas work na, 2 over 4 is 2.5 -> 3",
        "wsas",
        [NA, 1, 1, 0, 0],
        3,
        "subclinical",
        prorated=True,
    ),
    Case(
        "wsas work na, 6 over 4 is 7.5 -> 8",
        "wsas",
        [NA, 3, 3, 0, 0],
        8,
        "subclinical",
        prorated=True,
    ),
    Case(
        "wsas work na, 16 over 4 is 20",
        "wsas",
        [NA, 5, 5, 5, 1],
        20,
        "significant_impairment",
        prorated=True,
    ),
    Case(
        "wsas work na, 17 over 4 is 21.25 -> 21",
        "wsas",
        [NA, 5, 5, 5, 2],
        21,
        "moderately_severe_or_worse",
        prorated=True,
    ),
    Case(
        "wsas one other missing, 16 over 4 is 20",
        "wsas",
        [4, N, 4, 4, 4],
        20,
        "significant_impairment",
        prorated=True,
    ),
    Case(
        "wsas work skipped, 24 over 4 is 30",
        "wsas",
        [N, 6, 6, 6, 6],
        30,
        "moderately_severe_or_worse",
        prorated=True,
    ),
    Case("wsas na plus a missing item is incomplete", "wsas", [NA, N, 3, 3, 3], None, None),
    Case("wsas two missing is incomplete", "wsas", [N, N, 1, 1, 1], None, None),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_scores_match_the_hand_computed_table(case: Case) -> None:
    result = score(case.code, case.answers, extras=case.extras)

    assert result.instrument == case.code
    assert result.total == case.total
    assert result.complete is (case.total is not None)
    assert result.severity == case.severity
    assert result.prorated is case.prorated
    assert result.risk_items == case.risk_items
    assert result.risk is bool(case.risk_items)
    assert result.pcl5_cluster_rule_met is case.cluster_rule


def test_the_table_has_enough_cases_for_every_instrument() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)
    for code in instruments.QUESTIONNAIRE_CODES:
        assert sum(case.code == code for case in CASES) >= 6, code


def test_severity_label_is_the_bands_label() -> None:
    result = score("phq9", [3, 3, 3, 2, 2, 2, 0, 0, 0])
    assert (result.severity, result.severity_label) == ("moderately_severe", "Moderately severe")
    assert score("epds", [0, 0, 3, 0, 3, 3, 3, 3, 3, None]).severity_label is None


def test_epds_item_scores_follow_each_items_own_options() -> None:
    result = score("epds", [0] * 10)
    assert result.item_scores == (0, 0, 3, 0, 3, 3, 3, 3, 3, 3)


def test_answered_counts_only_scored_items() -> None:
    assert score("wsas", [NA, 1, 1, 1, 1]).answered == 4
    assert score("phq9", [1, 1, 1, 1, 1, 1, 1, N, N]).answered == 7
    assert score("phq9", [N] * 9).answered == 0


def test_difficulty_is_stored_but_not_scored() -> None:
    result = score("phq9", [1] * 9, extras={"difficulty": 2})
    assert result.total == 9
    assert result.difficulty == 2
    assert score("phq9", [1] * 9).difficulty is None


def test_phqa_extras_are_kept_on_the_score() -> None:
    result = score(
        "phqa",
        [0] * 9,
        extras={"past_year_depressed": True, "difficulty": 1, "suicide_month": None},
    )
    assert result.extras == {"past_year_depressed": True, "difficulty": 1}
    assert result.risk is False  # past-year low mood is not a safety question


def test_unanswered_safety_questions_are_reported_without_a_flag() -> None:
    phq9 = score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, N])
    assert (phq9.risk, phq9.risk_items_unanswered) == (False, (9,))

    phqa = score("phqa", [0] * 9, extras={"suicide_month": False})
    assert phqa.risk_items_unanswered == ("attempt_ever",)

    assert score("gad7", [N] * 7).risk_items_unanswered == ()


@pytest.mark.parametrize(
    ("code", "answers", "extras", "message"),
    [
        ("bdi", [0] * 21, None, "unknown instrument 'bdi'"),
        ("mood", [5], None, "validate_mood_rating"),
        ("phq9", [0] * 8, None, "PHQ-9 has 9 items but 8 answers"),
        ("phq9", [0] * 10, None, "PHQ-9 has 9 items but 10 answers"),
        ("phq9", [0] * 8 + [4], None, "item 9: option 4 is out of range"),
        ("phq9", [-1] + [0] * 8, None, "item 1: option -1 is out of range"),
        ("epds", [4] + [0] * 9, None, "item 1: option 4 is out of range"),
        ("wsas", [9, 0, 0, 0, 0], None, "item 1: option 9 is out of range"),
        ("pcl5", [5] * 20, None, "option 5 is out of range"),
        ("phq9", [NA] + [0] * 8, None, 'cannot be answered "not applicable"'),
        ("wsas", [0, NA, 0, 0, 0], None, "only item 1 allows it"),
        ("gad7", [True] + [0] * 6, None, "is not an answer"),
        ("gad7", [1.0] + [0] * 6, None, "is not an answer"),
        ("gad7", ["1"] + [0] * 6, None, "is not an answer"),
        ("gad7", "0000000", None, "must be a list"),
        ("gad7", [0] * 7, {"difficulty": 1}, "GAD-7 has no extra question 'difficulty'"),
        ("phq9", [0] * 9, {"suicide_month": True}, "no extra question 'suicide_month'"),
        ("phq9", [0] * 9, {"difficulty": 4}, "difficulty must be an option position"),
        ("phq9", [0] * 9, {"difficulty": True}, "difficulty must be an option position"),
        ("phqa", [0] * 9, {"attempt_ever": "y"}, "must be True (yes) or False (no)"),
        ("phqa", [0] * 9, {"attempt_ever": 1}, "must be True (yes) or False (no)"),
        ("phqa", [0] * 9, ["attempt_ever"], "extras must be a mapping"),
    ],
)
def test_bad_input_raises_a_readable_scoring_error(
    code: str, answers: object, extras: object, message: str
) -> None:
    with pytest.raises(ScoringError, match=message.replace("(", r"\(").replace(")", r"\)")):
        score(code, answers, extras=extras)  # type: ignore[arg-type]  # the test feeds deliberately loose values


def test_scoring_error_is_a_value_error() -> None:
    assert issubclass(ScoringError, ValueError)


# --- round half up ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(117, 8, 15), (36, 8, 5), (108, 8, 14), (63, 6, 11), (10, 4, 3), (90, 8, 11), (0, 5, 0)],
)
def test_round_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert round_half_up(numerator, denominator) == expected


@given(st.integers(0, 10_000), st.integers(1, 500))
def test_round_half_up_agrees_with_decimal(numerator: int, denominator: int) -> None:
    exact = Decimal(numerator) / Decimal(denominator)
    assert round_half_up(numerator, denominator) == int(
        exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )


# --- mood rating -----------------------------------------------------------------------


@pytest.mark.parametrize(("rating", "ipt_a"), [(0, False), (10, False), (1, True), (10, True)])
def test_mood_rating_accepts_the_ends_of_each_scale(rating: int, ipt_a: bool) -> None:
    assert validate_mood_rating(rating, ipt_a=ipt_a) == rating


@pytest.mark.parametrize(
    ("rating", "ipt_a"),
    [(-1, False), (11, False), (0, True), (11, True), (True, False), (5.0, False), ("7", False)],
)
def test_mood_rating_rejects_anything_off_the_scale(rating: object, ipt_a: bool) -> None:
    with pytest.raises(ScoringError, match="10 is the best mood"):
        validate_mood_rating(rating, ipt_a=ipt_a)


# --- instrument data --------------------------------------------------------------------


@pytest.mark.parametrize("code", instruments.QUESTIONNAIRE_CODES)
def test_bands_cover_the_score_range_without_gaps(code: str) -> None:
    instrument = instruments.get(code)
    lo, hi = instrument.score_range
    assert instrument.bands[0].lo == lo
    assert instrument.bands[-1].hi == hi
    for before, after in zip(instrument.bands, instrument.bands[1:], strict=False):
        assert after.lo == before.hi + 1


@pytest.mark.parametrize("code", instruments.QUESTIONNAIRE_CODES)
def test_score_range_is_what_the_options_can_reach(code: str) -> None:
    instrument = instruments.get(code)
    highest = sum(max(option.score for option in item.options) for item in instrument.items)
    lowest = sum(min(option.score for option in item.options) for item in instrument.items)
    assert (lowest, highest) == instrument.score_range


def test_epds_reverse_scored_items_start_at_3() -> None:
    top_scores = {item.number: item.options[0].score for item in instruments.EPDS.items}
    assert [n for n, top in top_scores.items() if top == 3] == [3, 5, 6, 7, 8, 9, 10]
    assert [n for n, top in top_scores.items() if top == 0] == [1, 2, 4]


def test_phqa_puts_mood_before_anhedonia_unlike_the_adult_form() -> None:
    assert "irritable" in instruments.PHQA.item(1).text
    assert "interest or pleasure" in instruments.PHQA.item(2).text
    assert "interest or pleasure" in instruments.PHQ9.item(1).text


def test_registry() -> None:
    assert [i.code for i in instruments.ALL] == [
        "phq9",
        "gad7",
        "phqa",
        "epds",
        "pcl5",
        "wsas",
        "mood",
    ]
    assert instruments.get("gad7") is instruments.GAD7
    assert instruments.EPDS.enabled_by_default is False
    assert all(i.enabled_by_default for i in instruments.ALL if i.code != "epds")
    assert (instruments.PHQ9.loinc_panel, instruments.PHQ9.loinc_total) == ("44249-1", "44261-6")
    assert instruments.PHQ9.item(9).loinc == "44260-8"
    with pytest.raises(instruments.UnknownInstrumentError, match="unknown instrument"):
        instruments.get("hamd")


# --- properties --------------------------------------------------------------------------


@st.composite
def administrations(draw: st.DrawFn) -> tuple[Instrument, list[Answer]]:
    instrument = draw(
        st.sampled_from([instruments.get(c) for c in instruments.QUESTIONNAIRE_CODES])
    )
    answers: list[Answer] = []
    for item in instrument.items:
        choices: list[st.SearchStrategy[Answer]] = [
            st.integers(0, len(item.options) - 1),
            st.none(),
        ]
        if item.not_applicable:
            choices.append(st.just(NA))
        answers.append(draw(st.one_of(choices)))
    return instrument, answers


def _answered_sum(result: Score) -> int:
    return sum(s for s in result.item_scores if s is not None)


@given(administrations())
def test_total_is_in_range_and_in_its_band(drawn: tuple[Instrument, list[Answer]]) -> None:
    instrument, answers = drawn
    result = score(instrument.code, answers)
    if result.complete:
        assert result.total is not None
        lo, hi = instrument.score_range
        assert lo <= result.total <= hi
        assert result.severity == instrument.band_for(result.total).key


@given(administrations())
def test_incomplete_means_no_total_and_no_severity(
    drawn: tuple[Instrument, list[Answer]],
) -> None:
    instrument, answers = drawn
    result = score(instrument.code, answers)
    missing = instrument.item_count - result.answered
    assert result.complete is (missing <= instrument.max_prorated_missing)
    if not result.complete:
        assert (result.total, result.severity, result.prorated) == (None, None, False)
        assert result.pcl5_cluster_rule_met is None


@given(administrations())
def test_prorated_total_lies_between_the_raw_sum_and_the_maximum(
    drawn: tuple[Instrument, list[Answer]],
) -> None:
    instrument, answers = drawn
    result = score(instrument.code, answers)
    if result.total is None:
        return
    raw = _answered_sum(result)
    assert raw <= result.total <= instrument.score_range[1]
    assert result.prorated is (result.answered < instrument.item_count)
    if not result.prorated:
        assert result.total == raw


@given(administrations(), st.data())
def test_total_never_falls_when_one_item_scores_higher(
    drawn: tuple[Instrument, list[Answer]], data: st.DataObject
) -> None:
    instrument, answers = drawn
    answered = [i for i, a in enumerate(answers) if isinstance(a, int)]
    if not answered:
        return
    index = data.draw(st.sampled_from(answered))
    position = answers[index]
    assert isinstance(position, int)
    options = instrument.items[index].options
    current = options[position].score
    higher = [p for p, option in enumerate(options) if option.score > current]
    if not higher:
        return
    raised = list(answers)
    raised[index] = data.draw(st.sampled_from(higher))

    before, after = score(instrument.code, answers), score(instrument.code, raised)
    assert before.complete == after.complete
    if before.total is not None and after.total is not None:
        assert after.total >= before.total


@given(administrations())
def test_risk_follows_the_safety_item_score_whatever_the_rest(
    drawn: tuple[Instrument, list[Answer]],
) -> None:
    instrument, answers = drawn
    result = score(instrument.code, answers)
    expected = tuple(
        rule.item
        for rule in instrument.risk_items
        if (s := result.item_scores[rule.item - 1]) is not None and s >= rule.min_score
    )
    assert result.risk_items == expected
    assert result.risk is bool(expected)


def test_the_measures_core_imports_no_django() -> None:
    # A fresh interpreter, so modules other tests loaded cannot hide an import.
    program = (
        "import sys; import iptcare.measures.cli, iptcare.measures.outcomes; "
        "sys.exit('django' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", program], check=False)
    assert done.returncode == 0
