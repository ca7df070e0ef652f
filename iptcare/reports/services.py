"""Writes of reports, consents, letters and exports: atomic and audited."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.db import transaction

from iptcare.audit.services import Actor, access_record
from iptcare.reports.selectors import FIGURES, OutcomeGroup

# --- Treatment reports ---------------------------------------------------------------------


# --- Consent and letters -------------------------------------------------------------------


# --- FHIR export ---------------------------------------------------------------------------


# --- Clinic outcomes -----------------------------------------------------------------------


def _period(start: date, end: date, therapist_id: int | None) -> str:
    who = f", therapist {therapist_id}" if therapist_id else ""
    return f"{start.isoformat()} to {end.isoformat()}{who}"


@transaction.atomic
def outcomes_view(
    *, actor: Actor, start: date, end: date, therapist_id: int | None, what: str = "figures"
) -> None:
    """Records that `actor` read the clinic's outcome figures (or the list of courses
    behind one, which names clients) for the period."""
    access_record(
        actor=actor,
        action="read",
        client=None,
        object_type="reports.clinic_outcomes",
        detail=f"{what}, {_period(start, end, therapist_id)}",
    )


def _cell(value: str) -> str:
    # A therapist's name is typed by people: never let a spreadsheet run it as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@transaction.atomic
def outcomes_export(
    *,
    actor: Actor,
    groups: list[OutcomeGroup],
    start: date,
    end: date,
    therapist_id: int | None,
) -> str:
    """The outcome table as CSV: one row per group, each figure's numerator, denominator
    and rate (blank when nothing is counted). Audited as an export."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["split", "group", "finished courses"]
    for rule in FIGURES:
        header += [f"{rule.key} numerator", f"{rule.key} denominator", f"{rule.key} rate"]
    writer.writerow(header)
    for group in groups:
        row: list[object] = [group.dimension, _cell(group.label), group.finished]
        for figure in group.figures:
            rate = figure.rate
            row += [figure.numerator, figure.denominator, "" if rate is None else f"{rate:.4f}"]
        writer.writerow(row)
    access_record(
        actor=actor,
        action="export",
        client=None,
        object_type="reports.clinic_outcomes",
        detail=f"CSV, {_period(start, end, therapist_id)}",
    )
    return out.getvalue()
