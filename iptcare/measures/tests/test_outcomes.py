"""Outcome classes at every threshold edge (measures.md §0)."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from iptcare.measures.outcomes import Outcome, OutcomeError, classify, measure_change


class Course(NamedTuple):
    id: str
    phq9: tuple[int | None, int | None]  # first, last
    gad7: tuple[int | None, int | None]
    attended: int
    # eligible, case_at_start, improvement, deterioration, recovery, reliable_recovery,
    # response, remission
    expected: tuple[bool | None, ...]


T, F, X = True, False, None  # X: not applicable / not computed

COURSES = [
    # eligibility --------------------------------------------------------------------------
    Course("1 session attended is not eligible", (17, 8), (12, 5), 1, (F, T, X, X, X, X, X, X)),
    Course("2 sessions attended is eligible", (17, 8), (12, 5), 2, (T, T, T, F, T, T, T, F)),
    Course("0 sessions attended", (17, 8), (12, 5), 0, (F, T, X, X, X, X, X, X)),
    Course("no last PHQ-9", (17, None), (12, 5), 8, (F, T, X, X, X, X, X, X)),
    Course("no first GAD-7 but PHQ-9 a case", (17, 8), (None, 5), 8, (F, T, X, X, X, X, X, X)),
    Course("no first GAD-7, PHQ-9 not a case", (5, 5), (None, 5), 8, (F, X, X, X, X, X, X, X)),
    Course("no first scores at all", (None, 5), (None, 5), 8, (F, X, X, X, X, X, X, X)),
    # PHQ-9 reliable change: 5 is not, 6 is ---------------------------------------------------
    Course("PHQ-9 drop of 5", (15, 10), (5, 5), 8, (T, T, F, F, F, F, F, F)),
    Course("PHQ-9 drop of 6", (15, 9), (5, 5), 8, (T, T, T, F, T, T, F, F)),
    Course("PHQ-9 rise of 5", (4, 9), (3, 3), 8, (T, F, F, F, X, X, X, F)),
    Course("PHQ-9 rise of 6", (4, 10), (3, 3), 8, (T, F, F, T, X, X, X, F)),
    # GAD-7 reliable change: 3 is not, 4 is ----------------------------------------------------
    Course("GAD-7 drop of 3", (5, 5), (10, 7), 8, (T, T, F, F, T, F, X, F)),
    Course("GAD-7 drop of 4", (5, 5), (11, 7), 8, (T, T, T, F, T, T, X, F)),
    Course("GAD-7 rise of 3", (3, 3), (2, 5), 8, (T, F, F, F, X, X, X, T)),
    Course("GAD-7 rise of 4", (3, 3), (2, 6), 8, (T, F, F, T, X, X, X, T)),
    # caseness at the start: PHQ-9 9/10, GAD-7 7/8 ----------------------------------------------
    Course("PHQ-9 9 and GAD-7 7 is not a case", (9, 2), (7, 2), 8, (T, F, T, F, X, X, X, T)),
    Course("PHQ-9 10 is a case", (10, 2), (7, 2), 8, (T, T, T, F, T, T, T, T)),
    Course("GAD-7 8 is a case", (5, 2), (8, 2), 8, (T, T, T, F, T, T, X, T)),
    # caseness at the end: both must be below ---------------------------------------------------
    Course("PHQ-9 ends at 10: not recovered", (20, 10), (4, 4), 8, (T, T, T, F, F, F, T, F)),
    Course("GAD-7 ends at 8: not recovered", (20, 9), (14, 8), 8, (T, T, T, F, F, F, T, F)),
    Course("GAD-7 ends at 7: recovered", (20, 9), (14, 7), 8, (T, T, T, F, T, T, T, F)),
    Course("recovered without reliable change", (11, 9), (9, 7), 8, (T, T, F, F, T, F, F, F)),
    # response: last <= 50% of first, only from a first PHQ-9 of 10 or more -------------------
    Course("response 20 -> 10 exactly half", (20, 10), (4, 4), 8, (T, T, T, F, F, F, T, F)),
    Course("no response 20 -> 11", (20, 11), (4, 4), 8, (T, T, T, F, F, F, F, F)),
    Course("response 17 -> 8 under 8.5", (17, 8), (4, 4), 8, (T, T, T, F, T, T, T, F)),
    Course("no response 17 -> 9 over 8.5", (17, 9), (4, 4), 8, (T, T, T, F, T, T, F, F)),
    Course("response 10 -> 5", (10, 5), (4, 4), 8, (T, T, F, F, T, F, T, F)),
    Course("no response 10 -> 6", (10, 6), (4, 4), 8, (T, T, F, F, T, F, F, F)),
    Course("response not applicable from 9", (9, 0), (9, 0), 8, (T, T, T, F, T, T, X, T)),
    # remission: last PHQ-9 below 5 -------------------------------------------------------------
    Course("remission at 4", (12, 4), (9, 3), 8, (T, T, T, F, T, T, T, T)),
    Course("no remission at 5", (12, 5), (9, 3), 8, (T, T, T, F, T, T, T, F)),
    # mixed directions -------------------------------------------------------------------------
    Course("PHQ-9 drops, GAD-7 rises: neither", (18, 10), (4, 9), 8, (T, T, F, F, F, F, F, F)),
    Course("PHQ-9 rises, GAD-7 drops: neither", (5, 12), (15, 5), 8, (T, T, F, F, F, F, X, F)),
    Course("PHQ-9 drops, GAD-7 rises a little", (18, 10), (9, 10), 8, (T, T, T, F, F, F, F, F)),
    Course("PHQ-9 rises, GAD-7 drops a little", (10, 16), (8, 6), 8, (T, T, F, T, F, F, F, F)),
    Course("both rise reliably", (2, 12), (1, 9), 8, (T, F, F, T, X, X, X, F)),
    Course("nothing changes", (12, 12), (9, 9), 8, (T, T, F, F, F, F, F, F)),
]

FIELDS = (
    "eligible",
    "case_at_start",
    "reliable_improvement",
    "reliable_deterioration",
    "recovery",
    "reliable_recovery",
    "response",
    "remission",
)


def _classes(outcome: Outcome) -> dict[str, bool | None]:
    return {name: getattr(outcome, name) for name in FIELDS}


@pytest.mark.parametrize("course", COURSES, ids=[course.id for course in COURSES])
def test_outcome_classes_at_each_threshold(course: Course) -> None:
    outcome = classify(*course.phq9, *course.gad7, course.attended)
    assert _classes(outcome) == dict(zip(FIELDS, course.expected, strict=True))


def test_every_class_is_none_when_the_course_is_not_eligible() -> None:
    outcome = classify(20, 2, 15, 1, attended=1)
    assert outcome.eligible is False
    assert outcome.case_at_start is True  # still known from the first scores
    assert all(getattr(outcome, name) is None for name in FIELDS[2:])
    assert outcome.explanations[0] == (
        "Not eligible for outcome classes: 1 session attended (needs ≥ 2)."
    )


def test_ineligible_explanation_names_every_missing_score() -> None:
    outcome = classify(None, 8, 12, None, attended=0)
    assert outcome.explanations[0] == (
        "Not eligible for outcome classes: 0 sessions attended (needs ≥ 2); "
        "no first PHQ-9 score; no last GAD-7 score."
    )
    assert (outcome.phq9, outcome.gad7) == (None, None)


def test_explanations_read_as_a_therapist_would_say_them() -> None:
    outcome = classify(17, 8, 12, 5, attended=10)
    assert outcome.explanations == (
        "Eligible: 10 sessions attended, with first and last PHQ-9 and GAD-7.",
        "A case at the start: PHQ-9 17 ≥ 10 and GAD-7 12 ≥ 8.",
        "PHQ-9 fell 17 → 8: a reliable drop (≥ 6); now below caseness (< 10).",
        "GAD-7 fell 12 → 5: a reliable drop (≥ 4); now below caseness (< 8).",
        "Reliable improvement: a reliable drop on PHQ-9 and GAD-7, and no reliable rise.",
        "Recovered: a case at the start and below caseness on both measures at the end "
        "(PHQ-9 8 < 10, GAD-7 5 < 8).",
        "Reliably recovered: recovered and reliably improved.",
        "Response: PHQ-9 8 is at most half of 17.",
        "No remission: PHQ-9 ended at 8 (needs < 5).",
    )


def test_explanations_say_why_a_class_does_not_apply() -> None:
    outcome = classify(6, 3, 5, 2, attended=6)
    assert "Not a case at the start: PHQ-9 6 < 10 and GAD-7 5 < 8." in outcome.explanations
    assert (
        "Recovery and reliable recovery not applicable: not a case at the start."
        in outcome.explanations
    )
    assert "Response not applicable: PHQ-9 started at 6, below 10." in outcome.explanations


def test_explanations_for_mixed_change_and_still_a_case() -> None:
    outcome = classify(18, 10, 4, 9, attended=8)
    assert "No reliable change overall: PHQ-9 dropped reliably but GAD-7 rose reliably." in (
        outcome.explanations
    )
    assert "Not recovered: still at caseness at the end (PHQ-9 10 ≥ 10 and GAD-7 9 ≥ 8)." in (
        outcome.explanations
    )


EXPLANATIONS = {
    ("phq9", 17, 8): "PHQ-9 fell 17 → 8: a reliable drop (≥ 6); now below caseness (< 10).",
    ("phq9", 12, 7): "PHQ-9 fell 12 → 7: no reliable change (needs ≥ 6); now below caseness "
    "(< 10).",
    ("gad7", 5, 9): "GAD-7 rose 5 → 9: a reliable rise (≥ 4); now at caseness (≥ 8).",
    ("gad7", 9, 9): "GAD-7 stayed at 9: no reliable change (needs ≥ 4); still at caseness (≥ 8).",
}


@pytest.mark.parametrize(
    ("code", "first", "last", "drop", "rise"),
    [
        ("phq9", 17, 8, True, False),
        ("phq9", 12, 7, False, False),
        ("gad7", 5, 9, False, True),
        ("gad7", 9, 9, False, False),
    ],
)
def test_measure_change(code: str, first: int, last: int, drop: bool, rise: bool) -> None:
    change = measure_change(code, first, last)  # type: ignore[arg-type]  # the test feeds deliberately loose values
    assert change.change == last - first
    assert (change.reliable_drop, change.reliable_rise) == (drop, rise)
    assert change.explanation == EXPLANATIONS[(code, first, last)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((28, 5, 5, 5, 8), "first PHQ-9 must be a whole number from 0 to 27"),
        ((5, -1, 5, 5, 8), "last PHQ-9 must be a whole number from 0 to 27"),
        ((5, 5, 22, 5, 8), "first GAD-7 must be a whole number from 0 to 21"),
        ((5, 5, 5, 7.0, 8), "last GAD-7 must be a whole number"),
        ((True, 5, 5, 5, 8), "first PHQ-9 must be a whole number"),
        ((5, 5, 5, 5, -1), "sessions attended must be a whole number"),
        ((5, 5, 5, 5, True), "sessions attended must be a whole number"),
    ],
)
def test_bad_input_raises_outcome_error(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(OutcomeError, match=message):
        classify(*args)  # type: ignore[arg-type]  # the test feeds deliberately loose values


def test_measure_change_is_only_for_phq9_and_gad7() -> None:
    with pytest.raises(OutcomeError, match="only for phq9 and gad7"):
        measure_change("pcl5", 40, 20)  # type: ignore[arg-type]  # the test feeds deliberately loose values
