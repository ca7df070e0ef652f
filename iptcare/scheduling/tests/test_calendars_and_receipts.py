"""Calendar files and feeds parse as iCalendar; receipts carry what an insurer asks for."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from icalendar import Calendar
from weasyprint import HTML

from iptcare.accounts.models import hash_token
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.scheduling import services
from iptcare.scheduling.models import CalendarFeed, Invoice
from iptcare.scheduling.receipts import receipt_export, receipt_html
from iptcare.scheduling.tests.conftest import Bookings


def test_the_client_downloads_a_calendar_file_for_their_appointment(
    cast, bookings: Bookings
) -> None:
    appointment = bookings.upcoming["client"]
    response = cast.http("client").get(reverse("scheduling:my_ics", args=[appointment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == appointment.starts_at
    assert str(event["summary"]) == f"IPT session with {cast.users['therapist'].full_name}"
    assert str(event["uid"]) == f"appointment-{appointment.pk}@iptcare"


def test_another_client_cannot_download_it(cast, bookings: Bookings) -> None:
    appointment = bookings.upcoming["client"]
    assert (
        cast.http("client2").get(reverse("scheduling:my_ics", args=[appointment.pk])).status_code
        == 404
    )


def test_the_private_feed_works_by_token_keeps_only_the_hash_and_can_be_revoked(
    cast, bookings: Bookings
) -> None:
    browser = cast.http("therapist")
    page = browser.post(reverse("scheduling:calendar_feed"), {"action": "create"})
    link = page.context["new_link"]
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(therapist=cast.users["therapist"], revoked_at=None)
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash
    anonymous = cast.http(None)
    response = anonymous.get(reverse("scheduling:feed", args=[token]))
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert events, "the therapist's appointments are in the feed"
    summaries = " ".join(str(e["summary"]) for e in events)
    first_name = cast.clients["client"].legal_name.split()[0]  # Cleo Client: C. C.
    assert first_name not in summaries and "C. C. (" in summaries  # initials, not names
    browser.post(reverse("scheduling:calendar_feed"), {"action": "revoke"})
    assert anonymous.get(reverse("scheduling:feed", args=[token])).status_code == 404


def test_a_forged_or_replaced_feed_token_answers_404(cast) -> None:
    actor = Actor(user=cast.users["therapist"], role="therapist")
    _, first = services.calendar_feed_create(actor=actor, therapist=cast.users["therapist"])
    services.calendar_feed_create(actor=actor, therapist=cast.users["therapist"])
    anonymous = cast.http(None)
    assert anonymous.get(reverse("scheduling:feed", args=[first])).status_code == 404
    assert anonymous.get(reverse("scheduling:feed", args=["x" * 43])).status_code == 404


def _text_of(html: str) -> str:
    """The text WeasyPrint lays out on the PDF's pages."""
    document = HTML(string=html).render()
    words: list[str] = []

    def walk(box) -> None:
        if getattr(box, "text", None):
            words.append(box.text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(words)


def test_the_receipt_names_clinic_therapist_registration_client_service_and_payment(
    cast, bookings: Bookings
) -> None:
    invoice = (
        Invoice.objects.filter(pk=bookings.invoices["client"].pk, payments__isnull=False)
        .select_related("clinic", "client", "therapist__therapist_profile", "appointment")
        .get()
    )
    text = _text_of(receipt_html(invoice))
    therapist = cast.users["therapist"]
    profile = therapist.therapist_profile
    for expected in [
        cast.clinic.name,
        cast.clinic.address.splitlines()[0],
        f"{therapist.full_name}, {profile.credentials}",
        f"Registration number {profile.registration_number}",
        cast.clients["client"].legal_name,
        "IPT session",
        f"${invoice.amount}",
        "e-Transfer",
        "Paid in full",
    ]:
        assert expected in text, expected


def test_producing_a_receipt_is_recorded_as_an_export(cast, bookings: Bookings) -> None:
    invoice = bookings.invoices["student_client"]
    admin = Actor(user=cast.users["admin"], role="administrator")
    pdf = receipt_export(actor=admin, invoice=invoice)
    assert pdf.startswith(b"%PDF")
    entry = AccessEntry.objects.filter(action="export", object_id=str(invoice.pk)).get()
    assert (entry.client, entry.user) == (cast.clients["student_client"], cast.users["admin"])


def test_a_student_s_receipt_names_the_supervisor_and_the_reduced_fee(
    cast, bookings: Bookings
) -> None:
    invoice = bookings.invoices["student_client"]
    text = _text_of(receipt_html(invoice))
    supervisor = cast.users["supervisor"].full_name
    assert f"Practicum student supervised by {supervisor}" in text
    assert invoice.amount == Decimal("40.00")


def test_the_client_downloads_their_own_receipt_but_not_someone_elses(
    cast, bookings: Bookings
) -> None:
    own, theirs = bookings.invoices["client"], bookings.invoices["client2"]
    browser = cast.http("client")
    response = browser.get(reverse("scheduling:my_receipt_pdf", args=[own.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert browser.get(reverse("scheduling:my_receipt_pdf", args=[theirs.pk])).status_code == 404
