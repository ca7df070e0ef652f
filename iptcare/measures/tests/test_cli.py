"""``iptcare score`` and ``iptcare outcome``: one JSON object out, or exit 2 and silence."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

from iptcare.measures.cli import outcome_main, score_main

SCORE_KEYS = ["instrument", "complete", "total", "prorated", "severity", "risk", "risk_items"]
OUTCOME_KEYS = [
    "eligible",
    "case_at_start",
    "reliable_improvement",
    "reliable_deterioration",
    "recovery",
    "reliable_recovery",
    "response",
    "remission",
]


def _run(
    main: Callable[[list[str]], int], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_score_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(score_main, "phq9 3 3 3 2 2 2 0 0 1".split(), capsys)

    assert (status, err) == (0, "")
    assert out.count("\n") == 1
    payload = json.loads(out)
    assert list(payload) == SCORE_KEYS
    assert payload == {
        "instrument": "phq9",
        "complete": True,
        "total": 16,
        "prorated": False,
        "severity": "moderately_severe",
        "risk": True,
        "risk_items": [9],
    }


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # "-" is a skipped item: 13 over 8 answered → 14.625 → 15
        (
            "phq9 3 3 3 1 1 1 1 - 0",
            {"complete": True, "total": 15, "prorated": True, "severity": "moderately_severe"},
        ),
        (
            "phq9 - - - 0 0 0 0 0 2",
            {"complete": False, "total": None, "severity": None, "risk": True, "risk_items": [9]},
        ),
        ("phq9 0 0 0 0 0 0 0 0 0 --difficulty 3", {"total": 0, "risk": False}),
        ("phq9 0 0 0 0 0 0 0 0 0 --difficulty=2", {"total": 0}),
        ("gad7 3 3 3 0 0 0 -", {"total": 11, "prorated": True, "severity": "moderate"}),
        (
            "phqa 0 0 0 0 0 0 0 0 1 --suicide-month y --attempt-ever y",
            {"risk": True, "risk_items": [9, "suicide_month", "attempt_ever"]},
        ),
        ("phqa --attempt-ever yes 0 0 0 0 0 0 0 0 0", {"risk_items": ["attempt_ever"]}),
        ("phqa 0 0 0 0 0 0 0 0 0 --suicide-month n --attempt-ever N", {"risk": False}),
        ("epds 0 0 0 0 0 0 0 0 0 0", {"total": 21, "risk_items": [10]}),
        ("epds 3 3 3 3 3 3 3 3 3 3", {"total": 9, "severity": "low", "risk": False}),
        ("pcl5 " + " ".join(["2"] * 15 + ["1"] + ["0"] * 4), {"total": 31}),
        ("wsas na 2 2 2 2", {"total": 10, "prorated": True}),
        ("wsas NA 2 2 2 2", {"total": 10}),
        ("wsas na - 2 2 2", {"complete": False, "total": None, "prorated": False}),
        ("wsas -- - 1 1 1 1", {"total": 5, "prorated": True}),
    ],
)
def test_score_examples(
    argv: str, expected: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(score_main, argv.split(), capsys)
    assert (status, err) == (0, "")
    payload = json.loads(out)
    assert {key: payload[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ("", "give an INSTRUMENT"),
        ("bdi 0 0 0", "unknown instrument 'bdi'"),
        ("mood 7", "unknown instrument 'mood'"),
        ("phq9 0 0 0 0 0 0 0 0", "PHQ-9 has 9 items but 8 answers"),
        ("phq9 0 0 0 0 0 0 0 0 0 0", "PHQ-9 has 9 items but 10 answers"),
        ("phq9 0 0 0 0 0 0 0 0 4", "item 9: option 4 is out of range"),
        ("phq9 -1 0 0 0 0 0 0 0 0", "item 1: option -1 is out of range"),
        ("phq9 x 0 0 0 0 0 0 0 0", "answer 'x' is not an option position"),
        ("phq9 1.5 0 0 0 0 0 0 0 0", "answer '1.5' is not an option position"),
        ("phq9 na 0 0 0 0 0 0 0 0", 'cannot be answered "not applicable"'),
        ("wsas 0 na 0 0 0", "only item 1 allows it"),
        ("wsas 9 0 0 0 0", "option 9 is out of range"),
        ("epds 4 0 0 0 0 0 0 0 0 0", "option 4 is out of range"),
        ("phq9 0 0 0 0 0 0 0 0 0 --difficulty 4", "difficulty must be an option position"),
        ("phq9 0 0 0 0 0 0 0 0 0 --difficulty x", "--difficulty takes an option position"),
        ("phq9 0 0 0 0 0 0 0 0 0 --difficulty", "--difficulty needs a value"),
        ("phq9 0 0 0 0 0 0 0 0 0 --suicide-month y", "--suicide-month is not an option for phq9"),
        ("gad7 0 0 0 0 0 0 0 --difficulty 1", "--difficulty is not an option for gad7"),
        ("phqa 0 0 0 0 0 0 0 0 0 --attempt-ever maybe", "--attempt-ever takes y or n"),
        ("phqa 0 0 0 0 0 0 0 0 0 --attempt-ever y --attempt-ever n", "given more than once"),
        ("phqa 0 0 0 0 0 0 0 0 0 --verbose", "--verbose is not an option"),
    ],
)
def test_score_bad_input_exits_2_with_nothing_on_stdout(
    argv: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(score_main, argv.split(), capsys)
    assert status == 2
    assert out == ""
    assert err.startswith("iptcare score: ")
    assert message in err


def test_score_help_goes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(score_main, ["--help"], capsys)
    assert (status, err) == (0, "")
    assert out.startswith("usage: iptcare score INSTRUMENT ANSWER...")


def test_outcome_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    argv = "--phq9 17 8 --gad7 12 5 --attended 8".split()
    status, out, err = _run(outcome_main, argv, capsys)

    assert (status, err) == (0, "")
    payload = json.loads(out)
    assert list(payload) == OUTCOME_KEYS
    assert payload == {
        "eligible": True,
        "case_at_start": True,
        "reliable_improvement": True,
        "reliable_deterioration": False,
        "recovery": True,
        "reliable_recovery": True,
        "response": True,
        "remission": False,
    }


def test_outcome_flags_in_any_order_and_nulls_for_not_applicable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = "--attended 6 --gad7 5 2 --phq9 6 3".split()
    status, out, _ = _run(outcome_main, argv, capsys)
    payload = json.loads(out)
    assert status == 0
    assert payload["case_at_start"] is False
    assert (payload["recovery"], payload["reliable_recovery"], payload["response"]) == (
        None,
        None,
        None,
    )
    assert payload["remission"] is True


def test_outcome_missing_score_is_not_eligible(capsys: pytest.CaptureFixture[str]) -> None:
    argv = "--phq9 17 - --gad7 12 5 --attended 8".split()
    status, out, _ = _run(outcome_main, argv, capsys)
    payload = json.loads(out)
    assert status == 0
    assert payload["eligible"] is False
    assert payload["case_at_start"] is True
    assert all(payload[key] is None for key in OUTCOME_KEYS[2:])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ("", "missing --phq9, --gad7, --attended"),
        ("--phq9 17 8 --gad7 12 5", "missing --attended"),
        ("--phq9 17 --gad7 12 5 --attended 8", "--phq9 needs 2 value(s)"),
        ("--phq9 17 8 --gad7 12 5 --attended", "--attended needs 1 value(s)"),
        ("--phq9 28 8 --gad7 12 5 --attended 8", "first PHQ-9 must be a whole number from 0 to 27"),
        ("--phq9 17 8 --gad7 12 22 --attended 8", "last GAD-7 must be a whole number from 0 to 21"),
        ("--phq9 17 -3 --gad7 12 5 --attended 8", "last PHQ-9 must be a whole number"),
        ("--phq9 17 8 --gad7 12 x --attended 8", "scores are whole numbers"),
        ("--phq9 17 8 --gad7 12 5 --attended -1", "--attended takes a whole number"),
        ("--phq9 17 8 --gad7 12 5 --attended two", "--attended takes a whole number"),
        ("--phq9 17 8 --phq9 17 8 --gad7 12 5 --attended 8", "--phq9 was given more than once"),
        ("--phq9 17 8 --gad7 12 5 --attended 8 --pcl5 40 20", "unexpected '--pcl5'"),
    ],
)
def test_outcome_bad_input_exits_2_with_nothing_on_stdout(
    argv: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(outcome_main, argv.split(), capsys)
    assert status == 2
    assert out == ""
    assert err.startswith("iptcare outcome: ")
    assert message in err


def _cli(main: str, *args: str) -> subprocess.CompletedProcess[str]:
    program = f"import sys; from iptcare.measures.cli import {main}; sys.exit({main}(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", program, *args], capture_output=True, text=True, check=False
    )


def test_score_as_a_process() -> None:
    done = _cli("score_main", "phq9", "3", "3", "3", "1", "1", "1", "1", "-", "0")
    assert done.returncode == 0
    assert json.loads(done.stdout)["total"] == 15


def test_bad_score_as_a_process_writes_only_stderr() -> None:
    done = _cli("score_main", "gad7", "0", "0")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "GAD-7 has 7 items but 2 answers" in done.stderr


def test_outcome_as_a_process() -> None:
    done = _cli("outcome_main", "--phq9", "15", "9", "--gad7", "5", "5", "--attended", "2")
    assert done.returncode == 0
    assert json.loads(done.stdout)["reliable_recovery"] is True
