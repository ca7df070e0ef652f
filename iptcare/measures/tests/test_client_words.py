"""Words for the outcome of a course: plain sentences for the client, the exact classes for
the therapist, and never two labels that read against each other (issue 10, item 7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from conftest import Cast
from iptcare.courses.models import Course
from iptcare.measures import outcomes
from tests.factories import gad7_answers, open_course, phq9_answers, signed_notes, submit

NOW = datetime(2026, 8, 4, 16, 0, tzinfo=UTC)
# Words that belong to the therapist's classes, never on the client's page.
JARGON = ("caseness", "reliabl", "recover", "remission", "response", "on track", "expected")


@pytest.fixture(autouse=True)
def _pinned() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _course_with_scores(cast: Cast, phq9: list[int], gad7: list[int], held: int) -> Course:
    """The client's open course, `held` sessions held, one PHQ-9 and GAD-7 per session."""
    course = open_course(cast.clients["client"], weeks_ago=len(phq9) + 1)
    signed_notes(course, held)
    for n, (p, g) in enumerate(zip(phq9, gad7, strict=True)):
        at = NOW - timedelta(weeks=len(phq9) - n)
        submit(course, "phq9", phq9_answers(p), session_number=n + 1, at=at)
        submit(course, "gad7", gad7_answers(g), session_number=n + 1, at=at)
    return course


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (17, 8, "Your scores have come down a lot since you started."),
        (12, 9, "Your scores have come down a little since you started."),
        (12, 12, "Your scores are the same as when you started."),
        (9, 11, "Your scores have gone up a little since you started."),
        (5, 14, "Your scores are higher than when you started."),
    ],
)
def test_a_client_reads_the_exact_class_of_each_measure_in_plain_words(
    first: int, last: int, words: str
) -> None:
    sentence = outcomes.in_plain_words(outcomes.measure_change("phq9", first, last))
    assert sentence.startswith(words)
    assert not any(term in sentence.lower() for term in JARGON)


def test_the_client_sees_one_plain_sentence_per_measure_and_no_class_names(cast: Cast) -> None:
    _course_with_scores(cast, phq9=[17, 14, 12, 8], gad7=[12, 11, 11, 10], held=3)
    page = cast.http("client").get(reverse("measures:my")).content.decode()
    assert page.count("Your scores have come down a lot since you started.") == 1  # PHQ-9
    assert page.count("Your scores have come down a little since you started.") == 1  # GAD-7
    progress = page[page.index('id="progress-h"') :].lower()
    assert not any(term in progress for term in JARGON), progress


def test_a_single_score_says_the_next_ones_will_show_the_change(cast: Cast) -> None:
    _course_with_scores(cast, phq9=[15], gad7=[9], held=0)
    page = cast.http("client").get(reverse("measures:my")).content.decode()
    assert page.count("Your first score is in.") == 2


def test_the_therapist_never_reads_on_track_beside_no_response(cast: Cast) -> None:
    # Session 4 of an open course, PHQ-9 16 → 12: within the expected curve (about 12.8)
    # but not yet half the start. The page used to say "On track" and "No response".
    course = _course_with_scores(cast, phq9=[16, 15, 13, 12], gad7=[10, 9, 9, 8], held=3)
    page = cast.http("therapist").get(reverse("measures:course", args=[course.pk])).content
    body = page.decode()
    assert "On track" not in body
    assert "No response:" not in body
    assert "No response yet: PHQ-9 12 is more than half of 16 (needs 8 or less)." in body
    assert "Within the expected range:</strong> PHQ-9 12 at session 4" in body
    assert "Outcome so far" in body and "Against the expected curve" in body
    # The exact classes stay, with what their terms mean.
    assert "Not recovered yet: still at caseness now (PHQ-9 12 ≥ 10 and GAD-7 8 ≥ 8)." in body
    assert "Not reliably recovered: not recovered." not in body
    assert "Caseness: PHQ-9 ≥ 10 or GAD-7 ≥ 8." in body


def test_a_finished_course_keeps_the_final_wording(cast: Cast) -> None:
    outcome = outcomes.classify(18, 12, 10, 9, attended=12)
    assert "No response: PHQ-9 12 is more than half of 18 (needs 9 or less)." in (
        outcome.explanations
    )
    assert "Not recovered: still at caseness at the end (PHQ-9 12 ≥ 10 and GAD-7 9 ≥ 8)." in (
        outcome.explanations
    )
    assert "No remission: PHQ-9 ended at 12 (needs < 5)." in outcome.explanations
    assert not any("Not reliably recovered" in line for line in outcome.explanations)


def test_an_open_course_says_yet_and_now() -> None:
    outcome = outcomes.classify(18, 12, 10, 9, attended=6, so_far=True)
    assert outcome.response is False and outcome.recovery is False  # the same classes
    assert "No response yet: PHQ-9 12 is more than half of 18 (needs 9 or less)." in (
        outcome.explanations
    )
    assert "No remission yet: PHQ-9 is at 12 (needs < 5)." in outcome.explanations
    recovered = outcomes.classify(18, 4, 10, 3, attended=6, so_far=True)
    assert any(line.startswith("Recovered so far:") for line in recovered.explanations)
    assert "Remission: PHQ-9 is at 4 (< 5)." in recovered.explanations
