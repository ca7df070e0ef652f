"""Two people racing for one therapist's time: exactly one gets it (PostgreSQL, real
concurrency: threads with their own database connections)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from conftest import ensure_cast
from iptcare.scheduling import selectors, services
from iptcare.scheduling.models import Appointment
from iptcare.scheduling.tests.conftest import SYSTEM, make_client, make_therapist

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers (BEGIN IMMEDIATE), so two bookings "
    "can never run at the same time there and there is no race to provoke",
)


def _race(workers: int, book) -> list[str]:
    """Run `book(i)` in `workers` threads released together; each answers 'ok' or an error."""
    start = threading.Barrier(workers)
    results: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            start.wait()
            book(i)
            outcome = "ok"
        except services.SchedulingError as exc:
            outcome = str(exc)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_one_slot_book_it_exactly_once() -> None:
    cast = ensure_cast()
    therapist = make_therapist(
        cast.clinic, "race@sched.test", [(d, 9, 17, "in_person") for d in range(7)]
    )
    clients = [make_client(cast.clinic, therapist) for _ in range(6)]
    soon = timezone.now() + timedelta(days=2)
    slot = selectors.free_slots(
        therapist, clinic=cast.clinic, kind="session", first=soon.date(), days=3, not_before=soon
    )[0]

    def book(i: int) -> None:
        services.appointment_book(
            actor=SYSTEM,
            client=clients[i],
            therapist=therapist,
            kind="session",
            starts_at=slot.starts_at,
        )

    results = _race(len(clients), book)
    assert results.count("ok") == 1, results
    assert all("just been booked" in r for r in results if r != "ok"), results
    assert Appointment.objects.filter(therapist=therapist, status="booked").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_an_overlap_even_without_the_booking_service() -> None:
    cast = ensure_cast()
    therapist = make_therapist(cast.clinic, "raw@sched.test", [])
    client = make_client(cast.clinic, therapist)
    starts = timezone.now() + timedelta(days=3)
    fields = dict(
        clinic=cast.clinic, therapist=therapist, client=client, kind="session", location="online"
    )
    Appointment.objects.create(**fields, starts_at=starts, ends_at=starts + timedelta(minutes=50))
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            **fields,
            starts_at=starts + timedelta(minutes=30),
            ends_at=starts + timedelta(minutes=80),
        )
    # Back to back is fine, and cancelled appointments do not hold the time.
    Appointment.objects.create(
        **fields, starts_at=starts + timedelta(minutes=50), ends_at=starts + timedelta(minutes=100)
    )
    Appointment.objects.create(
        **fields, status="cancelled", starts_at=starts, ends_at=starts + timedelta(minutes=50)
    )
