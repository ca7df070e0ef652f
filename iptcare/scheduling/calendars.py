"""iCalendar files: one appointment (email attachment, portal download) and a therapist's feed.

Times are written as the clinic's wall clock with its TZID, and the file carries that zone's
VTIMEZONE (its daylight-saving rules), so a calendar app shows a 10 a.m. session at 10 a.m.
in Toronto on either side of a change, and converts it right for someone elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from iptcare.scheduling.models import Appointment, Location

PRODID = "-//IPTCare//Scheduling//EN"


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def _uid(appointment: Appointment) -> str:
    return f"appointment-{appointment.pk}@iptcare"


def _where(appointment: Appointment) -> str:
    if appointment.location == Location.ONLINE:
        return appointment.video_link or "Online"
    return " ".join(appointment.clinic.address.split()) or appointment.clinic.name


def _event(appointment: Appointment, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", _uid(appointment))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    zone = ZoneInfo(appointment.clinic.time_zone)
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointment.ends_at.astimezone(zone))
    event.add("summary", summary)
    event.add("location", _where(appointment))
    event.add("description", description)
    if appointment.location == Location.ONLINE and appointment.video_link:
        event.add("url", appointment.video_link)
    cancelled = appointment.status in (
        Appointment.Status.CANCELLED,
        Appointment.Status.LATE_CANCELLED,
        Appointment.Status.EXPIRED,
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Each change of status is a new revision for calendar apps that already hold it.
    event.add("sequence", 1 if cancelled else 0)
    return event


def _with_time_zones(cal: Calendar, appointments: Sequence[Appointment]) -> bytes:
    """The calendar with a VTIMEZONE for every zone its events use, covering their dates
    (a year either side, not icalendar's default of 1970 to 2038: the file stays small)."""
    if appointments:
        first = min(a.starts_at for a in appointments).date() - timedelta(days=366)
        last = max(a.ends_at for a in appointments).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def appointment_ics(appointment: Appointment) -> bytes:
    """The client's copy: who they see, where, and how to join online."""
    cal = _calendar("CANCEL" if appointment.status != Appointment.Status.BOOKED else "PUBLISH")
    therapist = appointment.therapist.full_name
    lines = [f"{appointment.get_kind_display()} with {therapist}, {appointment.clinic.name}."]
    if appointment.location == Location.ONLINE and appointment.video_link:
        lines.append(f"Join online: {appointment.video_link}")
    if appointment.clinic.phone:
        lines.append(f"To change it, use the portal or call {appointment.clinic.phone}.")
    cal.add_component(
        _event(appointment, f"{appointment.get_kind_display()} with {therapist}", "\n".join(lines))
    )
    return _with_time_zones(cal, [appointment])


def initials(name: str) -> str:
    return " ".join(f"{part[0]}." for part in name.split() if part)


def therapist_feed_ics(appointments: Iterable[Appointment], *, name: str) -> bytes:
    """A therapist's calendar. Calendar apps sync to outside services, so the feed names
    clients by initials and chart number only, never by full name or concerns."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
    appointments = list(appointments)
    for appointment in appointments:
        if appointment.client is not None:
            who = f"{initials(appointment.client.legal_name)} ({appointment.client.chart_number})"
        else:
            who = f"{initials(appointment.requester_name)} (new)"
        cal.add_component(
            _event(
                appointment,
                f"{appointment.get_kind_display()} · {who}",
                f"{appointment.get_location_display()}. Details in IPTCare.",
            )
        )
    return _with_time_zones(cal, appointments)
