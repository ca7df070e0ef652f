"""The `iptcare` command: our pure-Python tools, and every Django management command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

# How long django-q may take to stop by itself (pusher, workers, monitor) before the
# worker's processes are ended: `make run` and service managers expect an exit in seconds.
QCLUSTER_GRACE_SECONDS = 6.0


PURE_COMMANDS = {
    "score": "score one questionnaire's answers (JSON)",
    "outcome": "classify a course's outcome from first and last scores (JSON)",
    "suggest-focus": "suggest IPT focus areas from a timeline (JSON)",
}
HELP = {"help", "--help", "-h"}
# Listing commands signs nothing: a placeholder lets Django load our apps' commands before
# the real key is set (every other command still refuses to run without one).
HELP_ONLY_SECRET_KEY = "iptcare-help-only-not-a-secret"


def _pure_commands() -> dict[str, Callable[[list[str]], int]]:
    # Imported lazily: these need no Django and should start fast.
    from iptcare.formulation.cli import suggest_focus_main
    from iptcare.measures.cli import outcome_main, score_main

    return {"score": score_main, "outcome": outcome_main, "suggest-focus": suggest_focus_main}


def _print_pure_commands() -> None:
    print("Our tools (no database or settings needed):")
    for name, summary in PURE_COMMANDS.items():
        print(f"    {name:<15}{summary}")
    print()


def _qcluster(args: list[str]) -> int:
    """Run django-q's cluster in a process group of its own and stop it within seconds.

    django-q stops on SIGTERM only once a running task has finished (up to the task
    timeout, minutes), and a sentinel that dies leaves its workers behind. Here SIGTERM or
    SIGINT asks the cluster to stop as usual; after `QCLUSTER_GRACE_SECONDS` the whole group
    is ended. Tasks are idempotent, so one cut short runs again after the broker's retry.
    """
    cluster = subprocess.Popen(
        [sys.executable, "-m", "django", "qcluster", *args],
        start_new_session=True,
    )
    asked_at: list[float] = []

    def ask_to_stop(signum: int, frame: object) -> None:
        if not asked_at:
            asked_at.append(time.monotonic())
            cluster.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, ask_to_stop)
    signal.signal(signal.SIGINT, ask_to_stop)
    try:
        while True:
            try:
                returncode = cluster.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if asked_at and time.monotonic() - asked_at[0] > QCLUSTER_GRACE_SECONDS:
                    _end_group(cluster.pid)
    finally:
        _end_group(cluster.pid)  # workers a dead sentinel left behind
    return 0 if asked_at else returncode


def _end_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in PURE_COMMANDS:
        return _pure_commands()[argv[1]](argv[2:])
    wants_help = len(argv) < 2 or argv[1] in HELP
    if wants_help and len(argv) > 2 and argv[2] in PURE_COMMANDS:
        return _pure_commands()[argv[2]](["--help"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptcare.settings")
    if wants_help:
        if not os.environ.get("SECRET_KEY"):
            os.environ["SECRET_KEY"] = HELP_ONLY_SECRET_KEY
        if len(argv) <= 2:
            _print_pure_commands()
    if len(argv) > 1 and argv[1] == "qcluster":
        return _qcluster(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
