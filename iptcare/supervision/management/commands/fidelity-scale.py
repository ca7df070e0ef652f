"""`iptcare fidelity-scale import FILE --clinic ID`: load a clinic's fidelity scale.

The same checks as the upload page (`services.fidelity_scale_import`). A bad file exits
with status 2 and names each problem's place in the file; nothing is saved.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptcare.audit.services import Actor
from iptcare.clinic.models import Clinic
from iptcare.supervision import services
from iptcare.supervision.scales.fileformat import MAX_BYTES, ScaleFileError

BAD_FILE = 2


class Command(BaseCommand):
    help = "Fidelity rating scales: `import FILE` loads a clinic's scale from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser(
            "import",
            help="load a scale from a JSON file (docs/fidelity-scales.md)",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        load.add_argument("file", help="the scale's JSON file ('-' reads standard input)")
        load.add_argument(
            "--clinic",
            type=int,
            help="the clinic's id (needed only when the database holds more than one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = self._clinic(options.get("clinic"))
        content = self._read(options["file"])
        actor = Actor(user=None, role="system", request_id="")
        try:
            scale = services.fidelity_scale_import(
                actor=actor, clinic_id=clinic.pk, content=content
            )
        except ScaleFileError as exc:
            self.stderr.write(f"{options['file']}: not loaded, nothing was saved.")
            for problem in exc.problems:
                self.stderr.write(f"  {problem}")
            sys.exit(BAD_FILE)
        items = scale.items.count()
        self.stdout.write(
            f"Loaded {scale.name} (code {scale.code}, version {scale.version}): {items} items, "
            f"scores {scale.range_label}"
            + (" or not applicable" if scale.allows_not_applicable else "")
            + f", for {clinic.name}."
        )

    def _clinic(self, pk: int | None) -> Clinic:
        clinics = Clinic.objects.order_by("pk")
        if pk is not None:
            found = clinics.filter(pk=pk).first()
            if found is None:
                raise CommandError(f"No clinic with id {pk}.", returncode=BAD_FILE)
            return found
        found_all = list(clinics[:2])
        if len(found_all) != 1:
            raise CommandError(
                "Say which clinic with --clinic ID (the database holds "
                f"{'no clinic' if not found_all else 'more than one'}).",
                returncode=BAD_FILE,
            )
        return found_all[0]

    def _read(self, name: str) -> bytes:
        try:
            if name == "-":
                return sys.stdin.buffer.read(MAX_BYTES + 1)
            with Path(name).open("rb") as handle:
                return handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(
                f"{name}: cannot read ({exc.strerror})", returncode=BAD_FILE
            ) from None
