"""`iptcare export-fhir --client CHART_NUMBER | --clinic [--clinic-id ID] > FILE.json`.

Writes a FHIR R4 Bundle (docs/fhir.md) to standard output: one client's record, or every
client of the clinic. An unknown chart number or clinic exits with status 2, says why on
standard error and writes nothing on standard output. Each export is in the access log.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic
from iptcare.reports import services

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Write a FHIR R4 Bundle (JSON) of one client, or of the whole clinic, to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--client", metavar="CHART_NUMBER", help="the client's chart number")
        which.add_argument("--clinic", action="store_true", help="every client of the clinic")
        parser.add_argument(
            "--clinic-id",
            type=int,
            help="the clinic's id (needed only when the database holds more than one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = self._clinic(options.get("clinic_id"))
        actor = Actor(user=None, role="system", request_id="export-fhir")
        if options.get("client") is not None:
            chart = str(options["client"]).strip()
            client = (
                Client.objects.filter(clinic=clinic, chart_number=chart)
                .select_related("clinic")
                .first()
                if chart and "\x00" not in chart and len(chart) <= 20
                else None
            )
            if client is None:
                raise CommandError(
                    f"No client with chart number {chart[:40]!r} in {clinic.name}; "
                    "nothing was exported.",
                    returncode=BAD_INPUT,
                )
            content = services.fhir_client_export(actor=actor, client=client)
        else:
            content = services.fhir_clinic_bundle(
                actor=actor, clinic=clinic, detail="clinic FHIR export (command line)"
            )
        self.stdout.write(content, ending="")

    def _clinic(self, pk: int | None) -> Clinic:
        clinics = Clinic.objects.order_by("pk")
        if pk is not None:
            found = clinics.filter(pk=pk).first() if 0 < pk < 2**62 else None
            if found is None:
                raise CommandError(f"No clinic with id {pk}.", returncode=BAD_INPUT)
            return found
        found_all = list(clinics[:2])
        if len(found_all) != 1:
            raise CommandError(
                "Say which clinic with --clinic-id ID (the database holds "
                f"{'no clinic' if not found_all else 'more than one'}).",
                returncode=BAD_INPUT,
            )
        return found_all[0]
