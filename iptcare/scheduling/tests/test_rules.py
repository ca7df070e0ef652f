"""The scheduling rules on their own: who marks, cancels, books, keeps hours and closes
the clinic, and when a client's cancellation is late."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Model
from django.urls import reverse

from conftest import Cast
from iptcare.courses.selectors import clinic_today
from iptcare.scheduling.models import Appointment
from iptcare.scheduling.rules import is_inside_notice_period
from iptcare.scheduling.tests.conftest import Bookings, frozen
from tests import factories

CHANGERS = {"therapist", "admin"}  # the appointment's therapist and the administrator
OTHERS = ["therapist2", "student", "supervisor", "client", "other_admin"]


def _may(cast: Cast, role: str, perm: str, obj: Model | None = None) -> bool:
    return bool(cast.users[role].has_perm(perm, obj))


def test_attendance_is_marked_once_a_booked_appointment_has_started(
    cast: Cast, bookings: Bookings
) -> None:
    appointment = bookings.upcoming["client"]
    for role in [*CHANGERS, *OTHERS]:
        assert not _may(cast, role, "scheduling.mark_attendance", appointment), role
    with frozen(appointment.starts_at + timedelta(minutes=5)):
        for role in CHANGERS:
            assert _may(cast, role, "scheduling.mark_attendance", appointment), role
        for role in OTHERS:
            assert not _may(cast, role, "scheduling.mark_attendance", appointment), role
        appointment.status = Appointment.Status.ATTENDED
        assert not _may(cast, "therapist", "scheduling.mark_attendance", appointment)


def test_the_clinic_cancels_a_booked_or_pending_appointment_before_it_starts(
    cast: Cast, bookings: Bookings
) -> None:
    appointment = bookings.upcoming["client"]
    for status in [Appointment.Status.BOOKED, Appointment.Status.PENDING]:
        appointment.status = status
        for role in CHANGERS:
            assert _may(cast, role, "scheduling.cancel_appointment", appointment), role
        for role in OTHERS:
            assert not _may(cast, role, "scheduling.cancel_appointment", appointment), role
    appointment.status = Appointment.Status.CANCELLED
    assert not _may(cast, "therapist", "scheduling.cancel_appointment", appointment)
    appointment.status = Appointment.Status.BOOKED
    with frozen(appointment.starts_at):
        assert not _may(cast, "therapist", "scheduling.cancel_appointment", appointment)


def test_a_cancellation_is_late_inside_the_notice_period_and_not_at_its_edge(
    cast: Cast, bookings: Bookings
) -> None:
    appointment = bookings.upcoming["client"]
    edge = appointment.starts_at - timedelta(hours=24)
    assert not is_inside_notice_period(appointment, notice_hours=24, now=edge)
    assert is_inside_notice_period(appointment, notice_hours=24, now=edge + timedelta(seconds=1))
    assert not is_inside_notice_period(
        appointment, notice_hours=23, now=edge + timedelta(seconds=1)
    )


def test_therapists_and_administrators_book_and_keep_hours(cast: Cast) -> None:
    for role in ["therapist", "student", "admin"]:
        assert _may(cast, role, "scheduling.book"), role
    for role in ["supervisor", "client"]:
        assert not _may(cast, role, "scheduling.book"), role


def test_a_therapist_changes_their_own_hours_and_the_administrator_anyones(cast: Cast) -> None:
    window = factories.weekly_hours(cast.users["therapist"], [(0, 7, 8, "in_person")])[0]
    today = clinic_today(cast.clinic)
    own_off = factories.time_off(
        cast.clinic,
        therapist=cast.users["therapist"],
        starts_on=today + timedelta(days=40),
        ends_on=today + timedelta(days=41),
    )
    clinic_off = factories.time_off(
        cast.clinic, starts_on=today + timedelta(days=50), ends_on=today + timedelta(days=51)
    )
    for hours in [window, own_off]:
        assert _may(cast, "therapist", "scheduling.change_hours", hours)
        assert _may(cast, "admin", "scheduling.change_hours", hours)
        for role in ["therapist2", "student", "supervisor", "client", "other_admin"]:
            assert not _may(cast, role, "scheduling.change_hours", hours), role
    assert _may(cast, "admin", "scheduling.change_hours", clinic_off)
    assert not _may(cast, "therapist", "scheduling.change_hours", clinic_off)
    assert not _may(cast, "other_admin", "scheduling.change_hours", clinic_off)


@pytest.mark.parametrize(
    ("perm", "holders"),
    [
        ("scheduling.add_clinic_time_off", {"admin"}),
        ("scheduling.view_invoices", {"admin"}),
        ("scheduling.change_settings", {"admin"}),
        ("scheduling.keep_calendar_feed", {"therapist", "student"}),
    ],
)
def test_clinic_wide_work_belongs_to_its_role(cast: Cast, perm: str, holders: set[str]) -> None:
    for role in ["admin", "therapist", "student", "supervisor", "client"]:
        assert _may(cast, role, perm) is (role in holders), role


# --- The pages ask the rules ------------------------------------------------------------


def test_the_appointment_page_offers_cancel_and_marking_as_the_rules_say(
    cast: Cast, bookings: Bookings
) -> None:
    appointment = bookings.upcoming["student_client"]
    url = reverse("scheduling:appointment", args=[appointment.pk])
    page = cast.http("student").get(url).content.decode()
    assert "Cancel the appointment" in page
    assert "Did the client come?" not in page
    supervisor_page = cast.http("supervisor").get(url).content.decode()
    assert "Cancel the appointment" not in supervisor_page  # a supervisor only looks
    with frozen(appointment.starts_at + timedelta(minutes=5)):
        page = cast.http("student").get(url).content.decode()
    assert "Did the client come?" in page
    assert "Cancel the appointment" not in page


def test_a_therapist_cannot_close_the_whole_clinic(cast: Cast) -> None:
    today = clinic_today(cast.clinic)
    form = {
        "action": "time_off",
        "starts_on": (today + timedelta(days=60)).isoformat(),
        "ends_on": (today + timedelta(days=61)).isoformat(),
        "reason": "Holiday",
        "whole_clinic": "on",
    }
    page = cast.http("therapist").post(reverse("scheduling:availability"), form)
    assert "Only the administrator closes the whole clinic." in page.content.decode()
    response = cast.http("admin").post(
        f"{reverse('scheduling:availability')}?therapist={cast.users['therapist'].pk}", form
    )
    assert response.status_code == 302


def test_the_scheduling_menu_shows_each_role_its_own_pages(cast: Cast) -> None:
    url = reverse("scheduling:schedule")
    admin = cast.http("admin").get(url).content.decode()
    therapist = cast.http("therapist").get(url).content.decode()
    supervisor = cast.http("supervisor").get(url).content.decode()
    assert "Invoices" in admin and "Calendar feed" not in admin
    assert "Calendar feed" in therapist and "Invoices" not in therapist
    assert "Book for a client" in therapist and "Book for a client" in admin
    assert "Book for a client" not in supervisor and "Invoices" not in supervisor
