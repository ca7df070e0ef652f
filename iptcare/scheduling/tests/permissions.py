"""The scheduling app's URLs in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from conftest import Cast
from iptcare.scheduling.models import (
    Appointment,
    AvailabilityException,
    Invoice,
    WeeklyAvailability,
)
from tests.matrix import (
    ADMINS,
    OWNER,
    STAFF,
    THERAPISTS,
    TREATING,
    ClientPage,
    Expectation,
    admin_page,
    anyone,
    client_page,
    logged_in,
    record_page,
    staff_page,
    therapist_page,
)


def own_record(role: str | None, target: str) -> int:
    """A client's own appointment or receipt: only that client; staff may not use the
    portal page (403); every other client gets 404."""
    if role is None:
        return 302
    if role in STAFF:
        return 403
    return 200 if role == OWNER[target] else 404


def admin_record(role: str | None, target: str) -> int:
    if role is None:
        return 302
    if role == "admin":
        return 200
    return 404 if role in ADMINS else 403


def booker_page(role: str) -> int:
    return 200 if role in THERAPISTS | ADMINS else 403


EXPECTED: dict[str, Expectation] = {
    "scheduling:public_book": anyone(200),
    "scheduling:public_book_sent": anyone(200),
    "scheduling:public_confirm": anyone(410),
    "scheduling:feed": anyone(404),
    "scheduling:my_appointments": logged_in(client_page),
    "scheduling:my_book": logged_in(client_page),
    "scheduling:my_receipts": logged_in(client_page),
    "scheduling:my_cancel": own_record,
    "scheduling:my_reschedule": own_record,
    "scheduling:my_ics": own_record,
    "scheduling:my_receipt_pdf": own_record,
    "scheduling:schedule": logged_in(staff_page),
    "scheduling:staff_book": logged_in(booker_page),
    "scheduling:client_appointments": record_page(on_team=200, admin=200),
    "scheduling:appointment": record_page(on_team=200, admin=200),
    "scheduling:appointment_mark": logged_in(lambda role: 405),
    "scheduling:appointment_cancel": logged_in(lambda role: 405),
    "scheduling:availability": logged_in(booker_page),
    "scheduling:availability_remove": logged_in(lambda role: 405),
    "scheduling:time_off_remove": logged_in(lambda role: 405),
    "scheduling:calendar_feed": logged_in(therapist_page),
    "scheduling:invoices": logged_in(admin_page),
    "scheduling:invoice": ClientPage(admin_record),
    "scheduling:invoice_receipt": ClientPage(admin_record),  # a PDF: no page header
    "scheduling:settings": logged_in(admin_page),
}


def _upcoming(cast: Cast, target: str) -> int:
    return (
        Appointment.objects.filter(
            client=cast.clients[target],
            status=Appointment.Status.BOOKED,
            starts_at__gt=timezone.now(),
        )
        .values_list("pk", flat=True)
        .first()
    ) or 0


def _invoice(cast: Cast, target: str) -> int:
    return (
        Invoice.objects.filter(client=cast.clients[target]).values_list("pk", flat=True).first()
    ) or 0


def _hours(cast: Cast, target: str) -> int:
    therapist = cast.users[next(iter(TREATING[target]))]
    return (
        WeeklyAvailability.objects.filter(therapist=therapist).values_list("pk", flat=True).first()
    ) or 0


def _time_off(cast: Cast, target: str) -> int:
    return (
        AvailabilityException.objects.filter(clinic=cast.clinic)
        .values_list("pk", flat=True)
        .first()
    ) or 0


KWARGS: dict[str, Callable[[Cast, str], object]] = {
    "appointment_id": _upcoming,
    "invoice_id": _invoice,
    "availability_id": _hours,
    "exception_id": _time_off,
}
