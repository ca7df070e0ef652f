"""The installed `iptcare` command reaches our tools and Django's commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

IPTCARE = str(Path(sys.executable).with_name("iptcare"))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [IPTCARE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )


def test_score_prints_one_json_object() -> None:
    result = run("score", "phq9", "3", "3", "3", "3", "3", "2", "0", "0", "1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "instrument": "phq9",
        "complete": True,
        "total": 18,
        "prorated": False,
        "severity": "moderately_severe",
        "risk": True,
        "risk_items": [9],
    }


def test_score_rejects_a_wrong_item_count_with_status_2_and_no_stdout() -> None:
    result = run("score", "gad7", "1", "2")
    assert result.returncode == 2 and result.stdout == "" and result.stderr


def test_outcome_prints_the_classes() -> None:
    result = run("outcome", "--phq9", "17", "8", "--gad7", "12", "5", "--attended", "12")
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["reliable_improvement"] is True and outcome["recovery"] is True


def test_suggest_focus_reads_stdin() -> None:
    case = {
        "assessed_on": "2026-03-01",
        "onset": "2026-01-15",
        "events": [{"type": "death", "date": "2025-12-20", "person": "Mum"}],
    }
    result = run("suggest-focus", "-", stdin=json.dumps(case))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["suggestions"][0]["area"] == "grief"


def test_django_management_commands_run_through_it() -> None:
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
