"""iCalendar files: one appointment (email attachment, portal download) and a therapist's feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

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
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
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
    return cal.to_ical()


def initials(name: str) -> str:
    return " ".join(f"{part[0]}." for part in name.split() if part)


def therapist_feed_ics(appointments: Iterable[Appointment], *, name: str) -> bytes:
    """A therapist's calendar. Calendar apps sync to outside services, so the feed names
    clients by initials and chart number only, never by full name or concerns."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
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
    return cal.to_ical()
