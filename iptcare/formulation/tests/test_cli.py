import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from iptcare.formulation.cli import suggest_focus_main

AREAS = {"grief", "role_dispute", "role_transition", "interpersonal_deficits"}

TRANSITION_CASE = {
    "assessed_on": "2025-03-01",
    "onset": "2024-12-01",
    "events": [{"type": "retirement", "date": "2024-10-31", "note": "left the bakery"}],
    "people": [
        {"name": "Sam", "relation": "husband", "closeness": 1, "conflict": 0, "support": 3},
        {"name": "Lea", "relation": "sister", "closeness": 1, "support": 2},
    ],
    "narrative": "Since my retirement I don't know who I am.",
}


def write(tmp_path: Path, content: str | bytes) -> str:
    path = tmp_path / "case.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = suggest_focus_main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_it_prints_the_suggestions_best_first(tmp_path, capsys):
    status, out, err = run([write(tmp_path, json.dumps(TRANSITION_CASE))], capsys)
    assert (status, err) == (0, "")
    suggestions = json.loads(out)["suggestions"]
    assert {s["area"] for s in suggestions} == AREAS
    assert suggestions[0]["area"] == "role_transition"
    assert suggestions[0]["reasons"][0] == "Retirement 4 weeks before onset"
    assert [s["score"] for s in suggestions] == sorted(
        (s["score"] for s in suggestions), reverse=True
    )
    for suggestion in suggestions:
        assert set(suggestion) == {"area", "score", "reasons"}
        assert 0 <= suggestion["score"] <= 1
        assert suggestion["reasons"]


def test_it_reads_standard_input_for_a_dash(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(TRANSITION_CASE)))
    status, out, err = run(["-"], capsys)
    assert (status, err) == (0, "")
    assert json.loads(out)["suggestions"][0]["area"] == "role_transition"


def test_it_accepts_only_assessed_on(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"assessed_on": "2025-03-01"}'))
    status, out, _ = run(["-"], capsys)
    assert status == 0
    assert len(json.loads(out)["suggestions"]) == 4


def test_it_keeps_non_ascii_text_readable(tmp_path, capsys):
    data = {**TRANSITION_CASE, "narrative": "Je me dispute — we argue"}
    _, out, _ = run([write(tmp_path, json.dumps(data))], capsys)
    assert "“argue”" in out


def test_help_goes_to_stdout(capsys):
    status, out, err = run(["--help"], capsys)
    assert (status, err) == (0, "")
    assert out.startswith("usage: iptcare suggest-focus FILE.json")


BAD = [
    ('{"onset": "2024-12-01"}', "assessed_on: required"),
    ('{"assessed_on": "01/03/2025"}', "assessed_on: not a date (YYYY-MM-DD)"),
    ('{"assessed_on": "2025-03-01", "events": {"type": "death"}}', "events: expected a list"),
    (
        '{"assessed_on": "2025-03-01", "events": [{"type": "divorce", "date": "2024-01-01"}]}',
        "events[0].type: unknown event type 'divorce'",
    ),
    (
        '{"assessed_on": "2025-03-01", "people": [{"name": "Al", "closeness": 5}]}',
        "people[0].closeness: must be 1–3 (got 5)",
    ),
    (
        '{"assessed_on": "2025-03-01", "people": [{"name": "Al", "conflict": "high"}]}',
        "people[0].conflict: expected a whole number 0–3",
    ),
    ('{"assessed_on": "2025-03-01", "narrative": 7}', "narrative: expected text"),
    ('["not", "an", "object"]', "(top level): expected an object"),
    ('{"assessed_on": "2025-03-01",}', "invalid JSON at line 1 column 30"),
    ("", "invalid JSON at line 1 column 1"),
    ('{"assessed_on": "2025-03-01", "people": [{"name": "Al", "support": NaN}]}', "NaN is not"),
]


@pytest.mark.parametrize(("content", "message"), BAD)
def test_bad_input_exits_2_naming_the_field_with_nothing_on_stdout(
    tmp_path, capsys, content, message
):
    status, out, err = run([write(tmp_path, content)], capsys)
    assert status == 2
    assert out == ""
    assert err.startswith("iptcare suggest-focus: ")
    assert message in err


@pytest.mark.parametrize(("content", "message"), BAD[:3])
def test_bad_input_on_stdin_exits_2_too(monkeypatch, capsys, content, message):
    monkeypatch.setattr(sys, "stdin", io.StringIO(content))
    status, out, err = run(["-"], capsys)
    assert (status, out) == (2, "")
    assert message in err


def test_invalid_json_on_stdin_is_reported_as_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("{"))
    status, out, err = run(["-"], capsys)
    assert (status, out) == (2, "")
    assert "stdin: invalid JSON" in err


def test_an_unreadable_file_exits_2(tmp_path, capsys):
    missing = str(tmp_path / "nope.json")
    status, out, err = run([missing], capsys)
    assert (status, out) == (2, "")
    assert f"{missing}: cannot read (No such file or directory)" in err


def test_a_directory_exits_2(tmp_path, capsys):
    status, out, err = run([str(tmp_path)], capsys)
    assert (status, out) == (2, "")
    assert "cannot read" in err


def test_a_file_that_is_not_utf8_exits_2(tmp_path, capsys):
    status, out, err = run([write(tmp_path, b'{"assessed_on": "\xff"}')], capsys)
    assert (status, out) == (2, "")
    assert "not UTF-8 text" in err


@pytest.mark.parametrize("argv", [[], ["a.json", "b.json"]])
def test_wrong_arguments_exit_2_with_usage(capsys, argv):
    status, out, err = run(argv, capsys)
    assert (status, out) == (2, "")
    assert err.startswith("usage: iptcare suggest-focus FILE.json")


def test_it_runs_as_a_program(tmp_path):
    def program(*args: str, stdin: str = "") -> Any:
        return subprocess.run(
            [sys.executable, "-m", "iptcare.formulation.cli", *args],
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )

    ok = program("-", stdin=json.dumps(TRANSITION_CASE))
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["suggestions"][0]["area"] == "role_transition"

    bad = program("-", stdin='{"assessed_on": "2025-03-01", "events": [{"type": "x"}]}')
    assert (bad.returncode, bad.stdout) == (2, "")
    assert "events[0].type: unknown event type 'x'" in bad.stderr
