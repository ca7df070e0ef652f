"""Times in emails say which clock they are on: "10:00 a.m. Toronto time"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from iptcare.core import dates


@pytest.mark.parametrize(
    ("zone", "city"),
    [
        ("America/Toronto", "Toronto"),
        (ZoneInfo("America/Vancouver"), "Vancouver"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ("America/St_Johns", "St Johns"),
        ("UTC", "UTC"),
        ("Etc/GMT+5", "GMT+5"),
        (UTC, "UTC"),
    ],
)
def test_a_zone_is_named_by_its_city(zone: tzinfo | str, city: str) -> None:
    assert dates.zone_city(zone) == city


@pytest.mark.parametrize(
    ("moment", "zone", "written"),
    [
        # 15:00 UTC is 10:00 in Toronto in winter (EST) and 11:00 in summer (EDT).
        (datetime(2027, 1, 12, 15, 0, tzinfo=UTC), "America/Toronto", "10:00 a.m. Toronto time"),
        (datetime(2027, 7, 12, 15, 0, tzinfo=UTC), "America/Toronto", "11:00 a.m. Toronto time"),
        (datetime(2027, 7, 12, 15, 0, tzinfo=UTC), "America/Vancouver", "8:00 a.m. Vancouver time"),
        (datetime(2027, 7, 12, 0, 5, tzinfo=UTC), "UTC", "12:05 a.m. UTC"),
    ],
)
def test_a_time_is_written_on_the_clinics_clock_and_says_so(
    moment: datetime, zone: str, written: str
) -> None:
    assert dates.clock_in_zone(moment, ZoneInfo(zone)) == written


def test_a_fixed_offset_zone_is_written_by_its_name() -> None:
    moment = datetime(2027, 7, 12, 15, 0, tzinfo=UTC)
    fixed = timezone(timedelta(hours=-5))
    assert dates.clock_in_zone(moment, fixed) == "10:00 a.m. UTC-05:00"
