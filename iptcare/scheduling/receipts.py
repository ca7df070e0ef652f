"""Receipts for insurance, as PDF (WeasyPrint) from an HTML template."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from iptcare.audit.services import Actor, access_record
from iptcare.clinic.selectors import primary_supervisor_of
from iptcare.scheduling import selectors
from iptcare.scheduling.models import Invoice


def receipt_html(invoice: Invoice) -> str:
    payments = list(invoice.payments.all())
    paid = sum((p.amount for p in payments), Decimal("0"))
    clinic = invoice.clinic
    with timezone.override(selectors.zone_of(clinic)):
        return render_to_string(
            "scheduling/receipt.html",
            {
                "invoice": invoice,
                "clinic": clinic,
                "client": invoice.client,
                "therapist": invoice.therapist,
                "profile": getattr(invoice.therapist, "therapist_profile", None),
                # Who supervised the student on the day of the session, not today.
                "supervisor": primary_supervisor_of(
                    invoice.therapist, on=timezone.localdate(invoice.appointment.starts_at)
                ),
                "appointment": invoice.appointment,
                "payments": payments,
                "paid": paid,
                "balance": invoice.amount - paid,
                "issued_on": timezone.localdate(),
            },
        )


@transaction.atomic
def receipt_export(*, actor: Actor, invoice: Invoice) -> bytes:
    """The receipt PDF; producing it is recorded in the access log as an export."""
    pdf = HTML(string=receipt_html(invoice)).write_pdf()
    access_record(
        actor=actor, action="export", client=invoice.client, target=invoice, detail="receipt PDF"
    )
    return pdf
