"""Appointment types and the slot arithmetic that needs no database.

Times here are aware datetimes; slots are counted in real elapsed time (UTC), so a
window that spans a daylight-saving change holds the sessions that really fit in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class AppointmentKind:
    code: str
    label: str
    minutes: int
    bookable: bool
    # Who may book it themselves: "public" (new people), "portal" (clients), "staff".
    booked_by: frozenset[str]

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: "your initial consultation", but "your IPT session"."""
        first_word = self.label.split(" ", 1)[0]
        return self.label if first_word.isupper() else self.label[0].lower() + self.label[1:]


KINDS: dict[str, AppointmentKind] = {
    k.code: k
    for k in [
        AppointmentKind(
            "consultation",
            "Initial consultation",
            50,
            True,
            frozenset({"public", "staff"}),
        ),
        AppointmentKind("session", "IPT session", 50, True, frozenset({"portal", "staff"})),
        AppointmentKind(
            "guardian",
            "Parent or guardian session",
            50,
            True,
            frozenset({"portal", "staff"}),
        ),
        # Defined so fees can be published; groups are not booked one by one yet.
        AppointmentKind("group", "Group session", 90, False, frozenset()),
    ]
}
KIND_CHOICES = [(k.code, k.label) for k in KINDS.values()]
# Sessions start on this grid from the start of an availability window.
SLOT_STEP = timedelta(minutes=60)


@dataclass(frozen=True)
class Window:
    """One stretch of a therapist's availability, in real (UTC) time."""

    starts_at: datetime
    ends_at: datetime
    location: str


def local_window(day: date, start: time, end: time, tz: ZoneInfo, location: str) -> Window:
    """A wall-clock window on `day` in the clinic's zone, as UTC instants.

    An ambiguous wall time (the repeated hour in November) is read as its first
    occurrence; a non-existent one (the skipped hour in March) moves forward.
    """
    starts = datetime.combine(day, start, tzinfo=tz)
    ends = datetime.combine(day, end, tzinfo=tz)
    return Window(_to_utc(starts), _to_utc(ends), location)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return _to_utc(datetime.combine(day, time.min, tzinfo=tz))


def reminder_due_at(starts_at: datetime, tz: ZoneInfo) -> datetime:
    """When "the day before" reminder goes out: the same clinic clock time on the day before.

    Counted on the clinic's calendar, not in elapsed hours: across a daylight-saving change
    the reminder of a 10 a.m. Monday session still goes at 10 a.m. on Sunday (23 or 25 real
    hours before), the time clients learn to expect it. A time the change skips on the day
    before moves forward, as everywhere else here.
    """
    local = starts_at.astimezone(tz)
    return _to_utc(datetime.combine(local.date() - timedelta(days=1), local.time(), tzinfo=tz))


def _to_utc(moment: datetime) -> datetime:
    # fold=0: the repeated November hour is read as its first occurrence, and a wall time
    # in the skipped March hour lands just after the gap (2:30 becomes 3:30 daylight time).
    return moment.replace(fold=0).astimezone(UTC)


def slot_starts(window: Window, minutes: int) -> Iterator[datetime]:
    length = timedelta(minutes=minutes)
    start = window.starts_at
    while start + length <= window.ends_at:
        yield start
        start += SLOT_STEP


def overlaps(
    starts_at: datetime, ends_at: datetime, busy: Iterable[tuple[datetime, datetime]]
) -> bool:
    return any(starts_at < b_end and b_start < ends_at for b_start, b_end in busy)
