"""`iptcare bench_reports` runs end to end and writes its figures between its markers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_times_the_export_and_the_report_and_updates_the_page(
    tmp_path: Path,
) -> None:
    page = tmp_path / "performance.md"
    marker = f"bench-reports-{connection.vendor}"  # each database's figures have their own
    page.write_text(
        f"# Performance\n\n<!-- {marker}:start -->\nold\n<!-- {marker}:end -->\nafter\n"
    )
    call_command(
        "bench_reports",
        "--sessions=3",
        "--runs=2",
        "--pdf-runs=1",
        f"--write={page}",
        stdout=io.StringIO(),
    )
    text = page.read_text()
    assert "old" not in text and text.endswith(f"<!-- {marker}:end -->\nafter\n")
    for row in ("FHIR export of the client", "Signing the end-of-treatment report", "Trivial"):
        assert f"| {row}" in text
    assert "target ≤ 200" in text and "target ≤ 1500" in text
