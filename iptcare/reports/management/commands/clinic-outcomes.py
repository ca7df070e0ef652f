"""`iptcare clinic-outcomes --from YYYY-MM-DD --to YYYY-MM-DD [--therapist EMAIL] --json`:
the outcome figures of the clinic outcomes page for the whole period, as one JSON object.

It counts what the page counts for the clinic's administrators: the therapist's clinic with
`--therapist`, else the only clinic (`--clinic ID` when the database holds several). Bad
input: exit 2, the reason on stderr, nothing on stdout."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from iptcare.accounts.models import User
from iptcare.clinic.models import Clinic
from iptcare.core.parsing import parse_id
from iptcare.reports.selectors import clinic_courses, outcome_totals

USAGE_ERROR = 2


class _BadInput(Exception):
    pass


def _day(value: object, flag: str) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise _BadInput(f"{flag} must be a date written YYYY-MM-DD, not {value!r}.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _BadInput(f"{flag} must be a date written YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "The clinic outcome figures of a period (NHS Talking Therapies rules), as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--therapist", help="only this therapist's courses (their email)")
        parser.add_argument(
            "--clinic", help="the clinic's number, when the database holds several clinics"
        )
        parser.add_argument("--json", action="store_true", help="write JSON (the only format)")

    def handle(self, *args: object, **options: Any) -> None:
        try:
            figures = self._figures(options)
        except _BadInput as problem:
            self.stderr.write(str(problem))
            raise SystemExit(USAGE_ERROR) from None
        self.stdout.write(json.dumps(figures, indent=2))

    def _figures(self, options: dict[str, Any]) -> dict[str, object]:
        start = _day(options["start"], "--from")
        end = _day(options["end"], "--to")
        if end < start:
            raise _BadInput(f"--to ({end.isoformat()}) is before --from ({start.isoformat()}).")
        therapist = None
        if options.get("therapist"):
            therapist = (
                User.objects.filter(
                    is_therapist=True,
                    clinic__isnull=False,
                    email__iexact=str(options["therapist"])[:254],
                )
                .select_related("clinic")
                .first()
            )
            if therapist is None:
                raise _BadInput(f"No therapist with the email {options['therapist']!r}.")
        clinic = self._clinic(options.get("clinic"), therapist)
        courses = clinic_courses(clinic=clinic, start=start, end=end, therapist=therapist)
        totals = outcome_totals(courses)
        figures: dict[str, object] = {f.key: f.as_json() for f in totals.figures}
        figures["finished_courses"] = totals.finished
        return figures

    def _clinic(self, number: object, therapist: User | None) -> Clinic:
        if number:
            pk = parse_id(number)
            found = Clinic.objects.filter(pk=pk).first() if pk else None
            if found is None:
                raise _BadInput(f"No clinic number {number!r}.")
            if therapist is not None and therapist.clinic_id != found.pk:
                raise _BadInput(f"{therapist.email} is not a therapist of {found}.")
            return found
        if therapist is not None:
            return therapist.home_clinic
        clinics = list(Clinic.objects.order_by("pk")[:2])
        if len(clinics) != 1:
            raise _BadInput(
                "There is no clinic yet." if not clinics else "Say which clinic with --clinic ID."
            )
        return clinics[0]
