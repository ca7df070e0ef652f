"""`iptcare bench_reports`: server time of one client's FHIR export (a course of 20
sessions with a PHQ-9 and a GAD-7 at each) and of signing the end-of-treatment report
(its PDF rendered and stored), beside the trivial view in the same run. Builds its own
small clinic through the services, as a clinic would fill it. Writes its figures between
the markers of this database's kind in docs/performance.md."""

from __future__ import annotations

import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.clients.services import client_create
from iptcare.clinic.models import Clinic, TherapistProfile
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.services import course_end, course_open, note_open, note_sign
from iptcare.measures.services import response_submit
from iptcare.reports import services

TARGET_MS = {"fhir": 200.0, "pdf": 1500.0}
WARM_UP = 3
SIGNED = {
    "mood_rating": 5,
    "since_last_met": "A steady week; saw a friend.",
    "focus_work": "Worked on the role transition: what the new role asks of her.",
    "risk_check": SessionNote.RiskCheck.NONE_INDICATED,
    "plan_next": "Carry on with the focus.",
}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _answers(total: int, items: int) -> list[int]:
    return [min(3, max(0, total - 3 * i)) for i in range(items)]


class Command(BaseCommand):
    help = "Benchmark one client's FHIR export and the end-of-treatment PDF; write the figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sessions", type=int, default=20)
        parser.add_argument("--runs", type=int, default=40, help="FHIR exports timed")
        parser.add_argument("--pdf-runs", type=int, default=8, help="reports signed")
        parser.add_argument("--write", default="", help="Markdown file to update")

    def handle(self, *args: object, **options: Any) -> None:
        sessions, runs, pdf_runs = (int(options[k]) for k in ("sessions", "runs", "pdf_runs"))
        therapist, course = self._course(sessions)
        actor = Actor(user=therapist, role="therapist", request_id="bench")
        browser = HttpClient()
        browser.force_login(therapist)
        export = reverse("api:fhir_patient_everything", args=[course.client_id])

        def fhir() -> int:
            return browser.get(export).status_code

        def trivial() -> int:
            return browser.get("/healthz").status_code

        timings: dict[str, list[float]] = {"fhir": [], "trivial": [], "pdf": []}
        self._interleave(timings, [("fhir", fhir), ("trivial", trivial)], runs)
        for round_number in range(1 + pdf_runs):  # the first one warms WeasyPrint up
            draft = services.report_start(actor=actor, course=course, kind="end_of_treatment")
            started = time.perf_counter()
            services.report_sign(
                actor=actor, report=draft, version=draft.version, sections=draft.sections
            )
            if round_number:
                timings["pdf"].append((time.perf_counter() - started) * 1000)
        report = self._report(timings, sessions, runs, pdf_runs)
        self.stdout.write(report)
        if options["write"]:
            self._write(Path(str(options["write"])), connection.vendor, report)

    def _interleave(
        self,
        timings: dict[str, list[float]],
        calls: list[tuple[str, Callable[[], int]]],
        runs: int,
    ) -> None:
        for round_number in range(WARM_UP + runs):
            for name, call in calls:
                started = time.perf_counter()
                status = call()
                if status != 200:
                    raise RuntimeError(f"{name}: {status}, not 200")
                if round_number >= WARM_UP:
                    timings[name].append((time.perf_counter() - started) * 1000)

    def _course(self, sessions: int) -> tuple[User, Course]:
        """A completed Standard IPT course of `sessions` weekly sessions, a PHQ-9 and a
        GAD-7 at each, built through the services."""
        stamp = time.time_ns()
        # Signed in with a password alone, as the demo's staff are (no two-step code).
        clinic = Clinic.objects.create(
            name=f"Report bench {stamp}",
            time_zone="America/Toronto",
            require_staff_two_factor=False,
        )
        therapist = User.objects.create(
            email=f"bench-{stamp}@synthetic.test",
            full_name="Bench Therapist (synthetic)",
            clinic=clinic,
            is_therapist=True,
            password="!",
        )
        TherapistProfile.objects.create(
            clinic=clinic, user=therapist, kind="registered", registration_number="900001"
        )
        system = Actor(user=None, role="system", request_id="bench")
        actor = Actor(user=therapist, role="therapist", request_id="bench")
        client: Client = client_create(
            actor=system,
            clinic=clinic,
            legal_name="Bench Client (synthetic)",
            date_of_birth=date(1990, 5, 1),
            therapists=[therapist],
            status="active",
        )
        first = timezone.localdate() - timedelta(weeks=sessions + 1)
        course = course_open(
            actor=actor,
            client=client,
            protocol="standard",
            therapist=therapist,
            start_date=first,
            planned_sessions=max(12, min(20, sessions)),
            frequency="weekly",
        )
        for n in range(1, sessions + 1):
            note = note_open(actor=actor, course=course, date=first + timedelta(weeks=n - 1))
            note_sign(actor=actor, note=note, version=note.version, changes=SIGNED)
            for code, items, total in (("phq9", 9, 20 - n // 2), ("gad7", 7, 15 - n // 2)):
                response_submit(
                    actor=system,
                    course=course,
                    code=code,
                    answers=_answers(total, items),
                    extras={"difficulty": 1} if code == "phq9" else None,
                    session_number=n,
                    idempotency_key=f"bench-{stamp}-{code}-{n}",
                    administered="in_session",
                )
        course.refresh_from_db()
        course = course_end(
            actor=actor,
            course=course,
            status="completed",
            reason="",
            ended_on=first + timedelta(weeks=sessions - 1),
            version=course.version,
        )
        return therapist, course

    def _report(
        self, timings: dict[str, list[float]], sessions: int, runs: int, pdf_runs: int
    ) -> str:
        vendor = connection.vendor
        lines = [
            f"- Run: {timezone.now():%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, database {vendor}, "
            f"DEBUG={settings.DEBUG}, load average {os.getloadavg()[0]:.1f} at the end",
            f"- One client, a completed course of {sessions} sessions with a PHQ-9 and a "
            f"GAD-7 at each; {runs} FHIR exports interleaved with the trivial view after "
            f"{WARM_UP} warm-up rounds; {pdf_runs} reports signed after one warm-up",
            "",
            "| request | p50 (ms) | p95 (ms) | mean (ms) |",
            "| --- | ---: | ---: | ---: |",
        ]
        labels = {
            "fhir": "FHIR export of the client (/api/v1/fhir/Patient/{id}/$everything)",
            "pdf": "Signing the end-of-treatment report (PDF rendered and stored)",
            "trivial": "Trivial view (/healthz)",
        }
        for name, label in labels.items():
            walls = timings[name]
            lines.append(
                f"| {label} | {_percentile(walls, 0.5):.1f} | {_percentile(walls, 0.95):.1f} "
                f"| {statistics.mean(walls):.1f} |"
            )
        lines.append("")
        for name, target in TARGET_MS.items():
            p95 = _percentile(timings[name], 0.95)
            met = "met" if p95 <= target else "not met"
            lines.append(f"- {labels[name]}: p95 {p95:.0f} ms (target ≤ {target:.0f}): **{met}**")
        return "\n".join(lines)

    def _write(self, path: Path, vendor: str, report: str) -> None:
        start = f"<!-- bench-reports-{vendor}:start -->"
        end = f"<!-- bench-reports-{vendor}:end -->"
        text = path.read_text() if path.exists() else ""
        block = f"{start}\n{report}\n{end}"
        if start in text:
            text = re.sub(
                re.escape(start) + r".*?" + re.escape(end), lambda m: block, text, flags=re.S
            )
        else:
            heading = "### Latest reports runs"
            lead = "" if heading in text else f"\n\n{heading}"
            text = text.rstrip("\n") + f"{lead}\n\n{block}\n"
        path.write_text(text)
        self.stdout.write(f"Updated {path}")
