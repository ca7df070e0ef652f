"""`iptcare synth_clinic`: a synthetic clinic for benchmarks, built with bulk inserts.

Every person is synthetic. Each client gets one course with signed session notes and a
PHQ-9 and GAD-7 answered item by item before every session, following a realistic
trajectory (most recover, some slowly, some not at all); part of the courses are completed,
so the clinic's own expected-score curve has data.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic, TherapistProfile
from iptcare.courses.models import Course, SessionNote
from iptcare.measures import scoring
from iptcare.measures.models import ItemAnswer, QuestionnaireResponse
from iptcare.measures.synthetic import positions_for_total, trajectory

BATCH = 2000
FIRST_NAMES = "Alex Sam Jamie Robin Casey Morgan Taylor Jordan Riley Avery Quinn Drew".split()
LAST_NAMES = "Nguyen Smith Patel Martin Roy Wilson Chen Singh Brown Tremblay Lee Gagnon".split()


class Command(BaseCommand):
    help = "Create a synthetic clinic: therapists, clients, courses, sessions and answers."

    def add_arguments(self, parser):
        parser.add_argument("--therapists", type=int, default=10)
        parser.add_argument("--clients", type=int, default=200)
        parser.add_argument("--sessions", type=int, default=12, help="sessions per course (1-20)")
        parser.add_argument(
            "--completed", type=float, default=0.35, help="share of completed courses"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--name", default="", help="clinic name (default: a new unique name)")

    def handle(self, *args: object, **options: int) -> None:
        therapists, clients, sessions = (
            int(options[k]) for k in ("therapists", "clients", "sessions")
        )
        if therapists < 1 or clients < 1 or not 1 <= sessions <= 20:
            raise CommandError("Need at least 1 therapist and 1 client, and 1-20 sessions.")
        started = time.perf_counter()
        clinic = build(
            therapists=therapists,
            clients=clients,
            sessions=sessions,
            completed=float(options["completed"]),
            rng=random.Random(int(options["seed"])),
            name=str(options["name"]) or f"Synthetic clinic {uuid.uuid4().hex[:6]}",
        )
        took = time.perf_counter() - started
        self.stdout.write(
            f"Created {clinic.name} (id {clinic.pk}): {therapists} therapists, {clients} clients, "
            f"{sessions} sessions each, in {took:.1f} s."
        )


@transaction.atomic
def build(
    *, therapists: int, clients: int, sessions: int, completed: float, rng: random.Random, name: str
) -> Clinic:
    # Password-only staff: the benchmark measures the pages, not the sign-in's second step.
    clinic = Clinic.objects.create(
        name=name, time_zone="America/Toronto", require_staff_two_factor=False
    )
    zone = ZoneInfo(clinic.time_zone)
    tag = f"c{clinic.pk}"
    staff = User.objects.bulk_create(
        User(
            email=f"{tag}-therapist{n}@synthetic.test",
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} (synthetic)",
            clinic=clinic,
            is_therapist=True,
            password="!",  # unusable: synthetic people never log in with a password
        )
        for n in range(therapists)
    )
    TherapistProfile.objects.bulk_create(
        TherapistProfile(clinic=clinic, user=u, registration_number=f"S{n:05d}")
        for n, u in enumerate(staff)
    )
    people = Client.objects.bulk_create(
        (
            Client(
                clinic=clinic,
                chart_number=f"S{n + 1:06d}",
                legal_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n + 1}",
                date_of_birth=date(1960 + n % 45, 1 + n % 12, 1 + n % 28),
                status=Client.Status.ACTIVE,
            )
            for n in range(clients)
        ),
        batch_size=BATCH,
    )
    Clinic.objects.filter(pk=clinic.pk).update(next_chart_number=clients + 1)
    Link = Client.therapists.through
    Link.objects.bulk_create(
        (Link(client_id=c.pk, user_id=staff[n % therapists].pk) for n, c in enumerate(people)),
        batch_size=BATCH,
    )
    today = date.today()
    planned = max(12, sessions)
    course_rows = []
    for n, client in enumerate(people):
        done = rng.random() < completed
        weeks_ago = sessions + (rng.randint(2, 60) if done else 0)
        course_rows.append(
            Course(
                clinic=clinic,
                client=client,
                therapist=staff[n % therapists],
                protocol="standard",
                planned_sessions=sessions if done and sessions >= 12 else planned,
                start_date=today - timedelta(weeks=weeks_ago),
                status=Course.Status.COMPLETED if done else Course.Status.ACTIVE,
                ended_on=today - timedelta(weeks=weeks_ago - sessions) if done else None,
            )
        )
    courses = Course.objects.bulk_create(course_rows, batch_size=BATCH)
    notes: list[SessionNote] = []
    response_rows: list[tuple[Any, ...]] = []  # database parameters of every kind
    pending: dict[str, tuple[tuple[int, int], ...]] = {}
    patterns = _Patterns(rng)
    adapt = connection.ops.adapt_datetimefield_value
    for course in courses:
        kind = rng.choices(["recovering", "slow", "stuck"], weights=[55, 30, 15])[0]
        start = rng.randint(10, 23)
        phq = trajectory(start, sessions, kind=kind, rng=rng, top=27)
        gad = trajectory(max(6, start - rng.randint(2, 8)), sessions, kind=kind, rng=rng, top=21)
        for index in range(sessions):
            day = course.start_date + timedelta(weeks=index)
            at = adapt(datetime.combine(day, clock(8, 30), tzinfo=zone))
            notes.append(
                SessionNote(
                    clinic=clinic,
                    course=course,
                    number=index + 1,
                    date=day,
                    status=SessionNote.Status.SIGNED,
                    author_id=course.therapist_id,
                )
            )
            for code, total in (("phq9", phq[index]), ("gad7", gad[index])):
                items, result = patterns.pick(code, total)
                key = uuid.uuid4().hex
                pending[key] = items
                response_rows.append(
                    (clinic.pk, course.pk, course.client_id, code, index + 1, "portal", at, True,
                     result.total, False, result.severity or "", result.risk, "[]", "[]", "{}", key)
                )  # fmt: skip
    SessionNote.objects.bulk_create(notes, batch_size=BATCH)
    quote = connection.ops.quote_name
    columns = (
        "clinic_id, course_id, client_id, code, session_number, administered, submitted_at, "
        "complete, total, prorated, severity, risk, risk_items, risk_items_unanswered, extras, "
        "idempotency_key"
    )
    # Raw inserts: the ORM's per-field preparation would take most of the minute.
    table = quote(QuestionnaireResponse._meta.db_table)
    marks = ", ".join(["%s"] * 16)
    _insert_many(f"INSERT INTO {table} ({columns}) VALUES ({marks})", response_rows)
    ids = dict(
        QuestionnaireResponse.objects.filter(clinic=clinic)
        .values_list("idempotency_key", "pk")
        .iterator(chunk_size=20_000)
    )
    item_rows = [
        (ids[key], number, position, False, item_score)
        for key, items in pending.items()
        for number, (position, item_score) in enumerate(items, start=1)
    ]
    _insert_many(
        f"INSERT INTO {quote(ItemAnswer._meta.db_table)} "
        "(response_id, item_number, position, not_applicable, score) VALUES (%s, %s, %s, %s, %s)",
        item_rows,
    )
    return clinic


def _insert_many(sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[offset : offset + 50_000])


class _Patterns:
    """A few item patterns per total, scored once: varied answers without scoring each."""

    VARIANTS = 6

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cache: dict[
            tuple[str, int], list[tuple[tuple[tuple[int, int], ...], scoring.Score]]
        ] = {}

    def pick(self, code: str, total: int) -> tuple[tuple[tuple[int, int], ...], scoring.Score]:
        options = self.cache.get((code, total))
        if options is None:
            options = []
            for _ in range(self.VARIANTS):
                positions = positions_for_total(code, total, rng=self.rng)
                result = scoring.score(code, positions)
                items = tuple(zip(positions, result.item_scores, strict=True))
                options.append((items, result))  # type: ignore[arg-type]  # positions are whole numbers here
            self.cache[(code, total)] = options
        return self.rng.choice(options)
