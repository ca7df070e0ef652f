"""The moved clock, a pytest plugin: with `IPTCARE_TEST_CLOCK=2027-03-14T01:30` the whole
run starts as if the clinic's wall clock (America/Toronto, the cast clinic's zone) read
that time, and time ticks on from there. `scripts/test.sh` runs the date-sensitive tests
under each clock of issue 9 (the 1st of a month, both daylight-saving changes, New Year's
Eve, a leap day), so a test that only passes on some days fails in CI on any day.

Without the variable nothing moves. Tests that pin their own moment with `time_machine`
still get exactly that moment: travels nest.
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

CLINIC_ZONE = ZoneInfo("America/Toronto")
_travel: time_machine.travel | None = None


def moved_clock() -> datetime | None:
    """The moment IPTCARE_TEST_CLOCK names (ISO 8601; clinic time when it has no zone)."""
    value = os.environ.get("IPTCARE_TEST_CLOCK", "").strip()
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=CLINIC_ZONE)


def pytest_configure(config: pytest.Config) -> None:
    global _travel
    moment = moved_clock()
    if moment is not None and _travel is None:
        _travel = time_machine.travel(moment, tick=True)
        _travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None


def pytest_report_header(config: pytest.Config) -> str | None:
    moment = moved_clock()
    return f"clock moved to {moment.isoformat()} (IPTCARE_TEST_CLOCK)" if moment else None
