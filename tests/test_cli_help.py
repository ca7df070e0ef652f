"""`iptcare help` lists every command, ours included, before any SECRET_KEY is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

IPTCARE = str(Path(sys.executable).with_name("iptcare"))


def _run_unconfigured(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [IPTCARE, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.mark.parametrize("args", [("help",), ("--help",), ()], ids=["help", "--help", "none"])
def test_help_lists_our_commands_without_a_secret_key(args: tuple[str, ...]) -> None:
    result = _run_unconfigured(*args)
    assert result.returncode == 0, result.stderr
    listing = result.stdout
    for command in ("score", "outcome", "suggest-focus", "demo", "synth_clinic", "qcluster"):
        assert command in listing, command
    assert "not properly configured" not in listing + result.stderr


def test_help_on_one_of_our_commands_works_without_a_secret_key() -> None:
    demo = _run_unconfigured("help", "demo")
    assert demo.returncode == 0, demo.stderr
    assert "usage:" in demo.stdout
    score = _run_unconfigured("help", "score")
    assert score.returncode == 0 and score.stdout.startswith("usage: iptcare score")


def test_a_real_command_still_refuses_to_run_without_a_secret_key() -> None:
    result = _run_unconfigured("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
