"""`iptcare qcluster` (the background worker `make run` starts) stops within seconds of
SIGTERM, even in the middle of a long task, and leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

IPTCARE = str(Path(sys.executable).with_name("iptcare"))
STOPS_WITHIN_SECONDS = 10

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        SECRET_KEY="worker-test",
        DEBUG="0",
        HTTPS="0",
        ALLOWED_HOSTS="localhost",
        IPTCARE_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'worker.sqlite3'}",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        Q_SYNC="0",
        Q_LOG_LEVEL="INFO",
    )
    return env


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _start_worker(tmp_path: Path, *, long_task: bool) -> tuple[subprocess.Popen[bytes], Path]:
    env = _env(tmp_path)
    setup = "from django.core.management import call_command; call_command('migrate', verbosity=0)"
    if long_task:
        # A task still running when the stop comes: plain django-q waits for it to finish.
        setup += "; from django_q.tasks import async_task; async_task('time.sleep', 90)"
    subprocess.run([IPTCARE, "shell", "-c", setup], env=env, check=True, timeout=120)
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [IPTCARE, "qcluster"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own group, so the test can see every process of it
    )
    return worker, log


def _wait_for(log: Path, text: str, worker: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        assert worker.poll() is None, log.read_text(errors="replace")
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in the worker's log:\n{log.read_text(errors='replace')}")


def _stop_and_time(worker: subprocess.Popen[bytes]) -> float:
    started = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=STOPS_WITHIN_SECONDS + 50)
    finally:
        if _group_alive(worker.pid):
            os.killpg(worker.pid, signal.SIGKILL)  # never leave the test's processes behind
    return time.monotonic() - started


@pytest.mark.parametrize("long_task", [False, True], ids=["idle", "during-a-long-task"])
def test_the_worker_stops_within_ten_seconds_of_sigterm(tmp_path: Path, long_task: bool) -> None:
    worker, log = _start_worker(tmp_path, long_task=long_task)
    _wait_for(log, "running.", worker, seconds=60)
    if long_task:
        _wait_for(log, "processing", worker, seconds=30)
    pgid = worker.pid
    took = _stop_and_time(worker)
    assert took < STOPS_WITHIN_SECONDS, (took, log.read_text(errors="replace"))
    time.sleep(0.5)
    assert not _group_alive(pgid), "a worker process was left behind"
