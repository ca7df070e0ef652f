"""`iptcare bench_outcomes`: server time of the clinic outcomes page for a synthetic clinic of
10,000 clients and 150,000 sessions, interleaved with the trivial view in the same process
(Django's test client), as `bench_caseload` does. Reuses the load-test clinic that
`bench_caseload --big-sessions 15` built in the same database, or builds one. Writes its
figures between the markers of this database's kind in docs/performance.md."""

from __future__ import annotations

import os
import platform
import random
import re
import statistics
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.clinic.models import Clinic
from iptcare.courses.models import Course, SessionNote
from iptcare.intake.models import IntakeRequest
from iptcare.measures.management.commands.synth_clinic import build

LOAD_TEST = "Synthetic load test"  # the clinic bench_caseload builds
P95_TARGET_MS = {"sqlite": 600.0, "postgresql": 300.0}
WARM_UP = 5


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Benchmark the clinic outcomes page on a large synthetic clinic; write the figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=10_000)
        parser.add_argument("--sessions", type=int, default=15, help="sessions per course")
        parser.add_argument("--runs", type=int, default=60)
        parser.add_argument("--write", default="", help="Markdown file to update")

    def handle(self, *args: object, **options: Any) -> None:
        clients, sessions, runs = (int(options[k]) for k in ("clients", "sessions", "runs"))
        clinic, built_in = self._clinic(clients, sessions)
        admin = User.objects.create(
            email=f"c{clinic.pk}-outcomes-admin-{time.time_ns()}@synthetic.test",
            full_name="Outcomes Admin (synthetic)",
            clinic=clinic,
            is_clinic_admin=True,
            password="!",
        )
        browser = HttpClient()
        browser.force_login(admin)
        today = timezone.localdate()
        page = reverse("reports:clinic_outcomes") + f"?start=2000-01-01&end={today.isoformat()}"

        def outcomes() -> int:
            return browser.get(page).status_code

        def trivial() -> int:
            return browser.get("/healthz").status_code

        first = browser.get(page)
        assert first.status_code == 200, first.status_code
        # No template context outside tests: the page's own sentence says how many.
        found = re.search(r"([\d,]+) finished course", first.content.decode())
        counted = int(found.group(1).replace(",", "")) if found else 0
        with CaptureQueriesContext(connection) as queries:
            browser.get(page)
        # Read now: the requests below open new connections, which empty the log.
        page_queries = len(queries.captured_queries)
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        timings: dict[str, list[float]] = {"outcomes": [], "trivial": []}
        for round_number in range(WARM_UP + runs):
            for name, call in (("outcomes", outcomes), ("trivial", trivial)):
                started = time.perf_counter()
                if call() != 200:
                    raise RuntimeError(f"{name}: not 200")
                if round_number >= WARM_UP:
                    timings[name].append((time.perf_counter() - started) * 1000)
        vendor = connection.vendor
        target = P95_TARGET_MS.get(vendor, P95_TARGET_MS["sqlite"])
        p95 = _percentile(timings["outcomes"], 0.95)
        lines = [
            f"- Run: {timezone.now():%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, database {vendor}, "
            f"DEBUG={settings.DEBUG}, load average {os.getloadavg()[0]:.1f} at the end",
            f"- Clinic: {clients:,} clients × {sessions} sessions "
            f"({SessionNote.objects.filter(clinic=clinic).count():,} sessions, "
            f"{Course.objects.filter(clinic=clinic).exclude(ended_on=None).count():,} ended "
            f"courses, {counted:,} finished in the period), "
            f"{built_in}; {runs} requests each, interleaved, after {WARM_UP} warm-up rounds",
            f"- The page runs {page_queries} queries; the slowest took "
            f"{float(slowest['time']) * 1000:.0f} ms",
            "",
            "| request | p50 (ms) | p95 (ms) | mean (ms) |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, label in (
            ("outcomes", "Clinic outcomes (/reports/outcomes/)"),
            ("trivial", "Trivial view (/healthz)"),
        ):
            walls = timings[name]
            lines.append(
                f"| {label} | {_percentile(walls, 0.5):.1f} | {_percentile(walls, 0.95):.1f} "
                f"| {statistics.mean(walls):.1f} |"
            )
        lines += [
            "",
            f"- Outcomes p95 {p95:.0f} ms (target ≤ {target:.0f} ms on {vendor}): "
            f"**{'met' if p95 <= target else 'not met'}**",
        ]
        report = "\n".join(lines)
        self.stdout.write(report)
        if options["write"]:
            self._write(Path(str(options["write"])), vendor, report)

    def _clinic(self, clients: int, sessions: int) -> tuple[Clinic, str]:
        clinic = Clinic.objects.filter(name=LOAD_TEST).order_by("-pk").first()
        if (
            clinic is not None
            and SessionNote.objects.filter(clinic=clinic).count() == clients * sessions
        ):
            how = "the caseload benchmark's load-test clinic"
        else:
            started = time.perf_counter()
            clinic = build(
                therapists=max(1, clients // 50),
                clients=clients,
                sessions=sessions,
                completed=0.35,
                rng=random.Random(2),
                name=LOAD_TEST,
            )
            how = f"built in {time.perf_counter() - started:.0f} s"
        if not IntakeRequest.objects.filter(clinic=clinic).exists():
            self._intake_requests(clinic)
        return clinic, how

    def _intake_requests(self, clinic: Clinic) -> None:
        """One converted intake request per client, 1 to 24 weeks before the course began,
        so the waiting-time figures have something to count."""
        rng = random.Random(5)
        zone = ZoneInfo(clinic.time_zone)
        starts = Course.objects.filter(clinic=clinic).values_list("client_id", "start_date")
        IntakeRequest.objects.bulk_create(
            (
                IntakeRequest(
                    clinic=clinic,
                    status=IntakeRequest.Status.CONVERTED,
                    full_name="Synthetic Newcomer",
                    email=f"newcomer-{client_id}@synthetic.test",
                    preferred_contact=IntakeRequest.ContactMethod.EMAIL,
                    age_group=IntakeRequest.AgeGroup.ADULT,
                    therapist_preference="either",
                    consent_to_contact=True,
                    client_id=client_id,
                    created_at=datetime.combine(
                        start - timedelta(weeks=rng.randint(1, 24)), clock(9), tzinfo=zone
                    ),
                )
                for client_id, start in starts.iterator(chunk_size=5_000)
            ),
            batch_size=2_000,
        )

    def _write(self, path: Path, vendor: str, report: str) -> None:
        start, end = (
            f"<!-- bench-outcomes-{vendor}:start -->",
            f"<!-- bench-outcomes-{vendor}:end -->",
        )
        text = path.read_text() if path.exists() else ""
        block = f"{start}\n{report}\n{end}"
        if start in text:
            text = re.sub(
                re.escape(start) + r".*?" + re.escape(end), lambda m: block, text, flags=re.S
            )
        else:
            text = text.rstrip("\n") + f"\n\n{block}\n"
        path.write_text(text)
        self.stdout.write(f"Updated {path}")
