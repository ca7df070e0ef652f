"""`iptcare bench_caseload` runs end to end and writes its figures between the markers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_measures_the_three_requests_and_updates_the_page(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n")
    call_command(
        "bench_caseload",
        "--clients=3",
        "--sessions=2",
        "--runs=3",
        "--big-clients=0",
        f"--write={page}",
        stdout=io.StringIO(),
    )
    text = page.read_text()
    assert "old" not in text and text.endswith("<!-- bench:end -->\nafter\n")
    for row in ("Caseload page (/home/)", "Questionnaire submission", "Trivial view (/healthz)"):
        assert f"| {row}" in text
    assert "3 active clients" in text and "load average" in text and "| 100% |" in text
    assert "each submission to a course of its own" in text  # a real insert every time
    # One line per target (issue 9), met or not.
    for target in ("(target ≤ 50 ms)", "(target ≤ 10×", "(target ≤ 15 ms)", "(target ≥ 33%"):
        assert target in text
    assert text.count(": **met**") + text.count(": **not met**") == 4
