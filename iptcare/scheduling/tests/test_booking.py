"""Availability, the notice policy and bad input: each refusal says why and changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.scheduling import selectors, services
from iptcare.scheduling.models import Appointment, AvailabilityException, Invoice, Reminder
from iptcare.scheduling.services import SchedulingError
from iptcare.scheduling.tests.conftest import SYSTEM, frozen, local, make_client

# A Monday, well away from any daylight-saving change.
NOW = datetime(2027, 3, 15, 18, 0, tzinfo=UTC)  # 2 p.m. in Toronto
WEEKDAYS_9_TO_12 = [(d, 9, 12, "in_person") for d in range(5)]


@pytest.fixture
def setup(cast, clinic_therapist):
    therapist = clinic_therapist(WEEKDAYS_9_TO_12)
    client = make_client(cast.clinic, therapist, email="booker@sched.test")
    return cast, therapist, client


def _book(client, therapist, starts_at, **kwargs):
    return services.appointment_book(
        actor=SYSTEM,
        client=client,
        therapist=therapist,
        kind="session",
        starts_at=starts_at,
        **kwargs,
    )


def test_free_slots_follow_weekly_hours_on_the_hour(setup) -> None:
    cast, therapist, _ = setup
    with frozen(NOW):
        slots = selectors.free_slots(
            therapist,
            clinic=cast.clinic,
            kind="session",
            first=date(2027, 3, 16),
            days=1,
            not_before=NOW,
        )
    assert [s.starts_at for s in slots] == [local(2027, 3, 16, h) for h in (9, 10, 11)]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=50) for s in slots)


def test_weekends_time_off_and_clinic_holidays_have_no_slots(setup) -> None:
    cast, therapist, _ = setup
    AvailabilityException.objects.create(
        clinic=cast.clinic,
        therapist=therapist,
        starts_on=date(2027, 3, 16),
        ends_on=date(2027, 3, 16),
        reason="Holiday",
    )
    AvailabilityException.objects.create(
        clinic=cast.clinic,
        therapist=None,
        starts_on=date(2027, 3, 18),
        ends_on=date(2027, 3, 18),
        reason="Clinic closed",
    )
    with frozen(NOW):
        slots = selectors.free_slots(
            therapist,
            clinic=cast.clinic,
            kind="session",
            first=date(2027, 3, 16),
            days=7,
            not_before=NOW,
        )
    days = sorted({s.starts_at.astimezone(local(2027, 1, 1, 0).tzinfo).date() for s in slots})
    assert days == [date(2027, 3, 17), date(2027, 3, 19), date(2027, 3, 22)]


def test_a_booked_time_leaves_the_free_slots(setup) -> None:
    cast, therapist, client = setup
    with frozen(NOW):
        _book(client, therapist, local(2027, 3, 16, 10))
        slots = selectors.free_slots(
            therapist,
            clinic=cast.clinic,
            kind="session",
            first=date(2027, 3, 16),
            days=1,
            not_before=NOW,
        )
    assert [s.starts_at.hour for s in slots] == [13, 15]  # 9:00 and 11:00 Toronto (EDT)


def test_staff_book_a_slot_and_the_client_gets_a_confirmation_and_a_reminder(setup) -> None:
    cast, therapist, client = setup
    with frozen(NOW):
        appointment = _book(client, therapist, local(2027, 3, 17, 9))
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.starts_at == datetime(2027, 3, 17, 13, 0, tzinfo=UTC)
    kinds = dict(Reminder.objects.filter(appointment=appointment).values_list("kind", "due_at"))
    assert kinds == {"confirmation": NOW, "reminder": appointment.starts_at - timedelta(hours=24)}
    assert AccessEntry.objects.filter(
        client=client, action="create", object_type="scheduling.appointment"
    ).exists()


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (local(2027, 3, 14, 10), "already passed"),
        (local(2027, 3, 16, 14), "does not see clients at that time"),
        (local(2027, 3, 20, 10), "does not see clients at that time"),  # a Saturday
        (local(2027, 3, 16, 9, 30), "does not see clients at that time"),  # off the grid
        (local(2028, 3, 16, 10), "six months ahead"),
    ],
)
def test_bad_times_are_refused_with_a_reason_and_nothing_is_saved(
    setup, starts_at, message
) -> None:
    _, therapist, client = setup
    with frozen(NOW), pytest.raises(SchedulingError, match=message) as caught:
        _book(client, therapist, starts_at)
    assert caught.value.field == "starts_at"
    assert not Appointment.objects.filter(therapist=therapist).exists()


def test_booking_over_another_booking_is_refused(setup) -> None:
    cast, therapist, client = setup
    other = make_client(cast.clinic, therapist)
    with frozen(NOW):
        _book(client, therapist, local(2027, 3, 16, 10))
        with pytest.raises(SchedulingError, match="just been booked"):
            _book(other, therapist, local(2027, 3, 16, 10))
    assert Appointment.objects.filter(therapist=therapist).count() == 1


def test_a_client_books_only_outside_the_notice_period_but_staff_may_book_sooner(setup) -> None:
    _, therapist, client = setup
    tomorrow_9 = local(2027, 3, 16, 9)  # 19 hours ahead
    with frozen(NOW):
        with pytest.raises(SchedulingError, match="at least 24 hours ahead"):
            _book(client, therapist, tomorrow_9, by_client=True)
        assert not Appointment.objects.filter(therapist=therapist).exists()
        assert _book(client, therapist, tomorrow_9).status == "booked"
        assert _book(client, therapist, local(2027, 3, 17, 9), by_client=True).status == "booked"


def test_a_client_books_only_with_their_own_therapist(setup, clinic_therapist) -> None:
    _, _, client = setup
    stranger = clinic_therapist(WEEKDAYS_9_TO_12)
    with frozen(NOW), pytest.raises(SchedulingError, match="your own therapists"):
        _book(client, stranger, local(2027, 3, 17, 9), by_client=True)


def test_groups_are_defined_but_not_bookable(setup) -> None:
    _, therapist, client = setup
    with frozen(NOW), pytest.raises(SchedulingError, match="cannot be booked"):
        services.appointment_book(
            actor=SYSTEM,
            client=client,
            therapist=therapist,
            kind="group",
            starts_at=local(2027, 3, 17, 9),
        )


def test_cancelling_in_time_is_free_and_frees_the_slot(setup) -> None:
    _, therapist, client = setup
    with frozen(NOW):
        appointment = _book(client, therapist, local(2027, 3, 18, 9))
        cancelled = services.appointment_cancel(
            actor=SYSTEM, appointment=appointment, by_client=True
        )
        assert cancelled.status == Appointment.Status.CANCELLED
        assert not Invoice.objects.filter(appointment=appointment).exists()
        assert _book(client, therapist, local(2027, 3, 18, 9)).status == "booked"


def test_a_late_cancellation_by_the_client_is_recorded_and_billed(setup) -> None:
    cast, therapist, client = setup
    services.fee_set(actor=SYSTEM, therapist=therapist, kind="session", amount=Decimal(150))
    with frozen(NOW):
        appointment = _book(client, therapist, local(2027, 3, 16, 9))  # 19 hours ahead
        late = services.appointment_cancel(actor=SYSTEM, appointment=appointment, by_client=True)
    assert late.status == Appointment.Status.LATE_CANCELLED
    invoice = Invoice.objects.get(appointment=appointment)
    assert invoice.amount == 150
    assert invoice.service.startswith("Late cancellation")


def test_the_clinic_cancelling_late_never_bills_the_client(setup) -> None:
    _, therapist, client = setup
    services.fee_set(actor=SYSTEM, therapist=therapist, kind="session", amount=Decimal(150))
    with frozen(NOW):
        appointment = _book(client, therapist, local(2027, 3, 16, 9))
        done = services.appointment_cancel(actor=SYSTEM, appointment=appointment, by_client=False)
    assert done.status == Appointment.Status.CANCELLED
    assert not Invoice.objects.filter(appointment=appointment).exists()


def test_moving_an_appointment_cancels_the_old_one_and_links_the_new(setup) -> None:
    _, therapist, client = setup
    with frozen(NOW):
        old = _book(client, therapist, local(2027, 3, 18, 9))
        new = services.appointment_reschedule(
            actor=SYSTEM, appointment=old, starts_at=local(2027, 3, 18, 10), by_client=True
        )
    old.refresh_from_db()
    assert (old.status, old.rescheduled_to) == (Appointment.Status.CANCELLED, new)
    assert new.status == Appointment.Status.BOOKED


def test_a_client_cannot_move_an_appointment_inside_the_notice_period(setup) -> None:
    _, therapist, client = setup
    with frozen(NOW):
        old = _book(client, therapist, local(2027, 3, 16, 9))
        with pytest.raises(SchedulingError, match="call"):
            services.appointment_reschedule(
                actor=SYSTEM, appointment=old, starts_at=local(2027, 3, 18, 10), by_client=True
            )
    old.refresh_from_db()
    assert old.status == Appointment.Status.BOOKED
    assert Appointment.objects.filter(therapist=therapist).count() == 1


def test_a_failed_move_leaves_the_original_booked(setup) -> None:
    _, therapist, client = setup
    with frozen(NOW):
        old = _book(client, therapist, local(2027, 3, 18, 9))
        with pytest.raises(SchedulingError, match="does not see clients"):
            services.appointment_reschedule(
                actor=SYSTEM, appointment=old, starts_at=local(2027, 3, 18, 19), by_client=True
            )
    old.refresh_from_db()
    assert old.status == Appointment.Status.BOOKED


def test_attending_creates_one_numbered_invoice_and_marking_twice_is_refused(setup) -> None:
    _, therapist, client = setup
    services.fee_set(actor=SYSTEM, therapist=therapist, kind="session", amount=Decimal(160))
    with frozen(NOW):
        appointment = _book(client, therapist, local(2027, 3, 16, 9))
    with frozen(NOW + timedelta(days=2)):
        invoice = services.appointment_mark(
            actor=SYSTEM, appointment=appointment, outcome="attended"
        )
        with pytest.raises(SchedulingError, match="cannot be marked again"):
            services.appointment_mark(actor=SYSTEM, appointment=appointment, outcome="no_show")
    assert invoice is not None and invoice.amount == 160
    assert invoice.number.startswith("INV-")


def test_an_appointment_cannot_be_marked_before_it_starts(setup) -> None:
    _, therapist, client = setup
    with frozen(NOW):
        appointment = _book(client, therapist, local(2027, 3, 16, 9))
        with pytest.raises(SchedulingError, match="not started"):
            services.appointment_mark(actor=SYSTEM, appointment=appointment, outcome="attended")


def test_a_practicum_student_charges_the_clinics_reduced_rate(cast, clinic_therapist) -> None:
    student = clinic_therapist(WEEKDAYS_9_TO_12, practicum_supervisor=cast.users["supervisor"])
    amount, reduced = selectors.fee_amount(student, "session")
    assert reduced is True
    assert amount == selectors.scheduling_settings_for(cast.clinic).practicum_rate
    fees = {(f.therapist.pk, f.kind): f for f in selectors.public_fees(cast.clinic)}
    assert fees[(student.pk, "session")].practicum_reduced is True
    assert fees[(cast.users["therapist"].pk, "session")].practicum_reduced is False


def test_payments_cannot_exceed_what_is_owed_nor_be_dated_in_the_future(setup) -> None:
    cast, therapist, client = setup
    admin = Actor(user=cast.users["admin"], role="administrator")
    services.fee_set(actor=SYSTEM, therapist=therapist, kind="session", amount=Decimal(100))
    with frozen(NOW):
        appointment = _book(client, therapist, local(2027, 3, 16, 9))
    with frozen(NOW + timedelta(days=2)):
        invoice = services.appointment_mark(
            actor=SYSTEM, appointment=appointment, outcome="attended"
        )
        assert invoice is not None
        today = date(2027, 3, 17)
        with pytest.raises(SchedulingError, match="more than the 100.00 still owed"):
            services.payment_record(
                actor=admin, invoice=invoice, amount=Decimal(120), method="cash", received_on=today
            )
        with pytest.raises(SchedulingError, match="future"):
            services.payment_record(
                actor=admin,
                invoice=invoice,
                amount=Decimal(50),
                method="cash",
                received_on=today + timedelta(days=5),
            )
        assert not invoice.payments.exists()
        services.payment_record(
            actor=admin, invoice=invoice, amount=Decimal(100), method="debit", received_on=today
        )
        with pytest.raises(SchedulingError, match="0.00 still owed"):
            services.payment_record(
                actor=admin, invoice=invoice, amount=Decimal(1), method="cash", received_on=today
            )
    assert invoice.payments.count() == 1


def test_next_appointments_gives_each_clients_next_booked_session(setup) -> None:
    cast, therapist, client = setup
    with frozen(NOW):
        later = _book(client, therapist, local(2027, 3, 19, 9))
        sooner = _book(client, therapist, local(2027, 3, 17, 9))
        services.appointment_cancel(actor=SYSTEM, appointment=sooner, by_client=False)
        found = selectors.next_appointments([client.pk, cast.clients["other"].pk])
        within = selectors.upcoming_sessions_for(client, within_hours=24 * 5)
    assert found == {client.pk: later}
    assert within == [later]
