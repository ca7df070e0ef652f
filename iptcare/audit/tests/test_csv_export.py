"""The audit CSV opens safely in a spreadsheet: no cell runs as a formula, and names with
accents read correctly (UTF-8 with a byte-order mark, which Excel needs to notice)."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import Cast
from iptcare.audit.services import Actor, access_record

HOSTILE = [
    '=HYPERLINK("http://evil.test","Click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTAB",
    "\rCR",
]


def _export(cast: Cast) -> tuple[str, list[dict[str, str]], bytes]:
    answer = cast.http("admin").get("/audit/export.csv")
    body = answer.getvalue()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    return answer["Content-Type"], rows, body


@pytest.mark.parametrize("detail", HOSTILE)
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(cast: Cast, detail: str) -> None:
    access_record(
        actor=Actor(user=cast.users["admin"], role="administrator"),
        action="read",
        client=None,
        object_type="test.thing",
        detail=detail,
    )
    _, rows, _ = _export(cast)
    details = [row["detail"] for row in rows]
    assert "'" + detail in details
    assert detail not in details


def test_ordinary_cells_are_left_as_they_are(cast: Cast) -> None:
    access_record(
        actor=Actor(user=cast.users["admin"], role="administrator"),
        action="read",
        client=cast.clients["client"],
        object_type="test.thing",
        detail="Hélène's chart, page 2",
    )
    _, rows, _ = _export(cast)
    assert "Hélène's chart, page 2" in [row["detail"] for row in rows]


def test_the_csv_is_utf8_with_a_byte_order_mark(cast: Cast) -> None:
    content_type, _, body = _export(cast)
    assert content_type == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf") and not body.startswith(b"\xef\xbb\xbf" * 2)
