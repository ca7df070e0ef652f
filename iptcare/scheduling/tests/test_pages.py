"""The booking pages as people use them: public, portal and staff."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iptcare.scheduling import selectors, services, tasks
from iptcare.scheduling.models import Appointment, Invoice, Payment
from iptcare.scheduling.tests.conftest import SYSTEM, Bookings, frozen, local, make_client

NOW = datetime(2027, 3, 15, 18, 0, tzinfo=UTC)


def _free_slot(therapist, clinic, kind="consultation", after_hours=30):
    not_before = timezone.now() + timedelta(hours=after_hours)
    slots = selectors.free_slots(
        therapist,
        clinic=clinic,
        kind=kind,
        first=not_before.date(),
        days=14,
        not_before=not_before,
    )
    return slots[0]


def _clinic_today(cast) -> str:
    return timezone.now().astimezone(selectors.zone_of(cast.clinic)).date().isoformat()


# --- Public booking ---------------------------------------------------------------------


def test_a_new_person_books_a_consultation_and_confirms_it_from_the_email(
    cast, django_capture_on_commit_callbacks
) -> None:
    therapist = cast.users["therapist2"]
    slot = _free_slot(therapist, cast.clinic)
    browser = cast.http(None)
    page = browser.get(reverse("scheduling:public_book"), {"therapist": therapist.pk})
    assert slot.starts_at.isoformat() in page.content.decode()
    assert "Times are Toronto time." in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("scheduling:public_book") + f"?therapist={therapist.pk}",
            {
                "starts_at": slot.starts_at.isoformat(),
                "name": "Robin Test",
                "email": "Robin@Example.test",
                "phone": "416 555 0100",
                "website": "",
            },
        )
    assert response.status_code == 302
    pending = Appointment.objects.get(requester_email="robin@example.test")
    assert pending.status == "pending" and pending.client is None
    link = re.search(r"http\S+/book/confirm/(\S+)/", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    asked = str(mail.outbox[-1].body)
    local = slot.starts_at.astimezone(selectors.zone_of(cast.clinic))
    assert f"{local:%-I:%M} {'a.m.' if local.hour < 12 else 'p.m.'} Toronto time." in asked
    assert "America/Toronto" not in asked
    token = link.group(1)
    confirm_url = reverse("scheduling:public_confirm", args=[token])
    assert browser.get(confirm_url).status_code == 200
    pending.refresh_from_db()
    assert pending.status == "pending", "opening the link (mail scanners do) changes nothing"
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(confirm_url)
    assert "Your consultation is booked" in done.content.decode()
    pending.refresh_from_db()
    assert pending.status == "booked"
    tasks.reminders_send_due()
    confirmation = [m for m in mail.outbox if m.to == ["robin@example.test"]][-1]
    assert confirmation.attachments[0][0] == "appointment.ics"
    assert "Your initial consultation with" in str(confirmation.body)
    again = browser.post(confirm_url)
    assert again.status_code == 410 and "already confirmed" in again.content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter an email address"),
        ({"name": ""}, "name", "Tell us your name"),
        ({"phone": "12"}, "phone", "at least 7 digits"),
        ({"starts_at": "tomorrow at ten"}, "starts_at", "Choose a time from the list"),
        ({"starts_at": "2020-01-01T15:00:00+00:00"}, "starts_at", "already passed"),
        ({"starts_at": "2099-01-01T15:00:00+00:00"}, "starts_at", "six months"),
    ],
)
def test_public_booking_with_bad_fields_says_what_is_wrong_and_books_nothing(
    cast, fields, field, message
) -> None:
    therapist = cast.users["therapist2"]
    slot = _free_slot(therapist, cast.clinic)
    data = {
        "starts_at": slot.starts_at.isoformat(),
        "name": "Robin Test",
        "email": "robin@example.test",
        "phone": "416 555 0100",
    } | fields
    before = Appointment.objects.count()
    response = cast.http(None).post(
        reverse("scheduling:public_book") + f"?therapist={therapist.pk}", data
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert Appointment.objects.count() == before


def test_the_honeypot_catches_bots_without_telling_them(cast) -> None:
    therapist = cast.users["therapist2"]
    slot = _free_slot(therapist, cast.clinic)
    before = Appointment.objects.count()
    response = cast.http(None).post(
        reverse("scheduling:public_book") + f"?therapist={therapist.pk}",
        {
            "starts_at": slot.starts_at.isoformat(),
            "name": "Bot",
            "email": "bot@example.test",
            "phone": "4165550100",
            "website": "http://spam.example",
        },
    )
    assert response.status_code == 302
    assert Appointment.objects.count() == before


def test_one_email_address_cannot_hold_several_consultations(cast) -> None:
    therapist = cast.users["therapist2"]
    first = _free_slot(therapist, cast.clinic)
    services.consultation_request(
        actor=SYSTEM,
        clinic=cast.clinic,
        therapist=therapist,
        starts_at=first.starts_at,
        name="Robin",
        email="robin@example.test",
        phone="4165550100",
    )
    second = _free_slot(therapist, cast.clinic)
    with pytest.raises(services.SchedulingError, match="already has a consultation"):
        services.consultation_request(
            actor=SYSTEM,
            clinic=cast.clinic,
            therapist=therapist,
            starts_at=second.starts_at,
            name="Robin",
            email="ROBIN@example.test",
            phone="4165550100",
        )


def test_an_unconfirmed_hold_expires_and_frees_the_time(cast, clinic_therapist) -> None:
    therapist = clinic_therapist([(d, 9, 12, "in_person") for d in range(5)])
    with frozen(NOW):
        held, token = services.consultation_request(
            actor=SYSTEM,
            clinic=cast.clinic,
            therapist=therapist,
            starts_at=local(2027, 3, 18, 9),
            name="Robin",
            email="robin@example.test",
            phone="4165550100",
        )
    with frozen(NOW + services.PENDING_HOLD + timedelta(minutes=1)):
        with pytest.raises(services.SchedulingError, match="expired"):
            services.consultation_confirm(token=token)
        held.refresh_from_db()
        assert held.status == "expired"  # kept, though the confirmation was refused
        other = make_client(cast.clinic, therapist)
        taken = services.appointment_book(
            actor=SYSTEM,
            client=other,
            therapist=therapist,
            kind="session",
            starts_at=local(2027, 3, 18, 9),
        )
    held.refresh_from_db()
    assert (held.status, taken.status) == ("expired", "booked")


def test_a_forged_confirmation_token_changes_nothing(cast) -> None:
    before = list(Appointment.objects.values_list("pk", "status"))
    browser = cast.http(None)
    url = reverse("scheduling:public_confirm", args=["forged-token-" + "x" * 30])
    assert browser.get(url).status_code == 410
    response = browser.post(url)
    assert response.status_code == 410
    assert "not valid" in response.content.decode()
    assert list(Appointment.objects.values_list("pk", "status")) == before


# --- Portal -----------------------------------------------------------------------------


def test_the_portal_lists_only_the_clients_own_appointments(cast, bookings: Bookings) -> None:
    page = cast.http("client").get(reverse("scheduling:my_appointments")).content.decode()
    assert cast.users["therapist"].full_name in page
    assert cast.users["therapist2"].full_name not in page  # the other client's therapist
    theirs = bookings.upcoming["client2"]
    for name in ["my_cancel", "my_reschedule", "my_ics"]:
        url = reverse(f"scheduling:{name}", args=[theirs.pk])
        assert cast.http("client").get(url).status_code == 404, name
        if name != "my_ics":
            assert cast.http("client").post(url, {"starts_at": "x"}).status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.status == "booked"


def test_a_client_books_in_the_portal_and_cancels_in_time(cast) -> None:
    therapist = cast.users["therapist"]
    slot = _free_slot(therapist, cast.clinic, kind="session", after_hours=72)
    browser = cast.http("client")
    response = browser.post(
        reverse("scheduling:my_book"),
        {"therapist": therapist.pk, "kind": "session", "starts_at": slot.starts_at.isoformat()},
    )
    assert response.status_code == 302
    booked = Appointment.objects.get(client=cast.clients["client"], starts_at=slot.starts_at)
    assert booked.booked_by == cast.users["client"]
    response = browser.post(reverse("scheduling:my_cancel", args=[booked.pk]), {"reason": ""})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == "cancelled"


def test_a_client_cannot_book_with_a_therapist_who_is_not_theirs(cast) -> None:
    stranger = cast.users["therapist2"]
    slot = _free_slot(stranger, cast.clinic, kind="session", after_hours=72)
    response = cast.http("client").post(
        reverse("scheduling:my_book"),
        {"therapist": stranger.pk, "kind": "session", "starts_at": slot.starts_at.isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["therapist"]
    assert not Appointment.objects.filter(
        client=cast.clients["client"], therapist=stranger
    ).exists()


# --- Staff ------------------------------------------------------------------------------


def test_the_therapist_marks_attendance_and_the_admin_records_payment(cast) -> None:
    therapist = cast.users["therapist"]
    slot = _free_slot(therapist, cast.clinic, kind="session", after_hours=2)
    appointment = services.appointment_book(
        actor=SYSTEM,
        client=cast.clients["client"],
        therapist=therapist,
        kind="session",
        starts_at=slot.starts_at,
    )
    with frozen(slot.starts_at + timedelta(minutes=55)):
        response = cast.http("therapist").post(
            reverse("scheduling:appointment_mark", args=[appointment.pk]), {"outcome": "attended"}
        )
    assert response.status_code == 302
    invoice = Invoice.objects.get(appointment=appointment)
    admin = cast.http("admin")
    bad = admin.post(
        reverse("scheduling:invoice", args=[invoice.pk]),
        {"amount": "9999", "method": "cash", "received_on": _clinic_today(cast)},
    )
    assert "still owed" in " ".join(bad.context["form"].errors["amount"])
    assert not Payment.objects.filter(invoice=invoice).exists()
    paid = admin.post(
        reverse("scheduling:invoice", args=[invoice.pk]),
        {"amount": str(invoice.amount), "method": "debit", "received_on": _clinic_today(cast)},
    )
    assert paid.status_code == 302, paid.context["form"].errors
    assert Payment.objects.get(invoice=invoice).amount == invoice.amount


def test_a_supervisor_sees_but_cannot_change_a_supervisees_appointment(
    cast, bookings: Bookings
) -> None:
    appointment = bookings.upcoming["student_client"]
    browser = cast.http("supervisor")
    assert browser.get(reverse("scheduling:appointment", args=[appointment.pk])).status_code == 200
    response = browser.post(
        reverse("scheduling:appointment_cancel", args=[appointment.pk]), {"who": "clinic"}
    )
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_availability_editor_refuses_overlapping_hours_with_a_message(cast) -> None:
    browser = cast.http("therapist")
    response = browser.post(
        reverse("scheduling:availability"),
        {
            "action": "window",
            "weekday": "0",
            "starts": "10:00",
            "ends": "11:00",
            "location": "online",
        },
    )
    assert "overlaps" in " ".join(response.context["window_form"].errors["starts"])
    response = browser.post(
        reverse("scheduling:availability"),
        {
            "action": "window",
            "weekday": "6",
            "starts": "11:00",
            "ends": "10:00",
            "location": "online",
        },
    )
    assert response.context["window_form"].errors["ends"]


def test_a_therapist_cannot_remove_another_therapists_hours(cast) -> None:
    theirs = cast.users["therapist2"].weekly_availability.first()
    response = cast.http("therapist").post(
        reverse("scheduling:availability_remove", args=[theirs.pk])
    )
    assert response.status_code == 404
    assert cast.users["therapist2"].weekly_availability.filter(pk=theirs.pk).exists()


# --- Query counts do not grow with rows -------------------------------------------------


def _queries(browser, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


def _fill_week(cast, therapist, count: int) -> None:
    client = make_client(cast.clinic, therapist, email=f"many{count}@sched.test")
    slots = selectors.free_slots(
        therapist,
        clinic=cast.clinic,
        kind="session",
        first=timezone.localdate() + timedelta(days=7),
        days=7,
        not_before=timezone.now(),
    )[:count]
    for slot in slots:
        services.appointment_book(
            actor=SYSTEM,
            client=client,
            therapist=therapist,
            kind="session",
            starts_at=slot.starts_at,
        )


def test_the_schedule_page_needs_as_many_queries_for_many_appointments_as_for_few(cast) -> None:
    therapist = cast.users["therapist"]
    browser = cast.http("therapist")
    week = (timezone.localdate() + timedelta(days=7)).isoformat()
    url = reverse("scheduling:schedule") + f"?week={week}"
    _fill_week(cast, therapist, 2)
    few = _queries(browser, url)
    _fill_week(cast, therapist, 20)
    many = _queries(browser, url)
    assert len(browser.get(url).context["days"]) == 7
    assert many == few


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("client", "scheduling:my_appointments"),
        ("client", "scheduling:my_receipts"),
        ("admin", "scheduling:invoices"),
    ],
)
def test_list_pages_need_as_many_queries_for_many_rows_as_for_few(
    cast, bookings: Bookings, role, url_name
) -> None:
    therapist = cast.users["therapist"]
    client = cast.clients["client"]
    browser = cast.http(role)
    url = reverse(url_name)
    few = _queries(browser, url)
    slots = selectors.free_slots(
        therapist,
        clinic=cast.clinic,
        kind="session",
        first=timezone.localdate() + timedelta(days=2),
        days=14,
        not_before=timezone.now() + timedelta(days=2),
    )[:12]
    for slot in slots:
        appointment = services.appointment_book(
            actor=SYSTEM,
            client=client,
            therapist=therapist,
            kind="session",
            starts_at=slot.starts_at,
        )
        with frozen(slot.starts_at + timedelta(hours=1)):
            services.appointment_mark(actor=SYSTEM, appointment=appointment, outcome="attended")
    assert _queries(browser, url) == few
