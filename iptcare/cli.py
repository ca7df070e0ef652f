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


def _pure_commands() -> dict[str, Callable[[list[str]], int]]:
    # Imported lazily: these need no Django and should start fast.
    from iptcare.formulation.cli import suggest_focus_main
    from iptcare.measures.cli import outcome_main, score_main

    return {"score": score_main, "outcome": outcome_main, "suggest-focus": suggest_focus_main}


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
    if len(argv) > 1 and argv[1] in {"score", "outcome", "suggest-focus"}:
        return _pure_commands()[argv[1]](argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptcare.settings")
    if len(argv) > 1 and argv[1] == "qcluster":
        return _qcluster(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
