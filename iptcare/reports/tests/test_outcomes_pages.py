"""The clinic outcomes page, its CSV, the courses behind a figure and the command line."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.reports.tests.test_outcomes_rates import END, EXPECTED, NOW, START, Built, build

URL = reverse("reports:clinic_outcomes")
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture(autouse=True)
def _june_2026() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def courses(cast: Cast) -> list[Built]:
    return [
        build(cast, "recovered", phq9=(15, 4), gad7=(12, 3), requested_weeks_before=3),
        build(cast, "not a case", phq9=(6, 5), gad7=(5, 4), requested_weeks_before=20),
        build(cast, "one session", sessions=1, phq9=(15, 3), gad7=(10, 2)),
        build(cast, "unpaired", sessions=2, phq9=(14,), gad7=(9,)),
        build(cast, "deteriorated", sessions=2, phq9=(10, 18), gad7=(8, 13), status="ended_early"),
        build(cast, "improved", phq9=(20, 12), gad7=(10, 9), requested_weeks_before=10),
        build(cast, "mixed", therapist="student", phq9=(15, 8), gad7=(5, 10)),
    ]


def run_command(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        call_command("clinic-outcomes", *args)
    except SystemExit as stop:
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_page_shows_each_figure_with_its_counts(cast: Cast, courses: list[Built]) -> None:
    response = cast.http("admin").get(URL, PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 January 2026 to 30 June 2026" in page
    assert "6 finished courses" in page
    assert "1 of 5" in page and "5 of 6" in page and "2 of 3" in page
    assert "<svg" in page
    assert AccessEntry.objects.filter(object_type="reports.clinic_outcomes").exists()


def test_the_command_gives_the_page_s_figures(
    cast: Cast, courses: list[Built], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_command(
        capsys,
        "--from",
        START.isoformat(),
        "--to",
        END.isoformat(),
        "--clinic",
        str(cast.clinic.pk),
        "--json",
    )
    assert (code, err) == (0, "")
    figures = json.loads(out)
    page = cast.http("admin").get(URL, PERIOD).context["overall"]
    assert figures["finished_courses"] == page.group.finished == 6
    for cell in page.cells:
        f = cell.figure
        assert figures[f.key] == {
            "numerator": f.numerator,
            "denominator": f.denominator,
            "rate": f.rate,
        }
    assert {
        key: (v["numerator"], v["denominator"])
        for key, v in figures.items()
        if key != "finished_courses"
    } == EXPECTED


def test_the_command_counts_one_therapist(
    cast: Cast, courses: list[Built], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_command(
        capsys,
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        "--therapist",
        "student@cast.test",
        "--json",
    )
    assert code == 0
    figures = json.loads(out)
    assert figures["finished_courses"] == 1
    assert figures["reliable_improvement"] == {"numerator": 0, "denominator": 1, "rate": 0.0}


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2026-13-01", "--to", "2026-06-30"],
        ["--from", "01/01/2026", "--to", "2026-06-30"],
        ["--from", "2026-06-30", "--to", "2026-01-01"],
        ["--from", "2026-01-01\x00", "--to", "2026-06-30"],
        ["--from", "2026-01-01", "--to", "2026-06-30", "--therapist", "nobody@cast.test"],
        ["--from", "2026-01-01", "--to", "2026-06-30", "--clinic", "²"],
        ["--from", "2026-01-01", "--to", "2026-06-30"],  # two clinics: which one?
    ],
)
def test_the_command_refuses_bad_input(
    cast: Cast, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_command(capsys, *args, "--json")
    assert code == 2
    assert out == ""
    assert err.strip()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-06-30", "2026-01-01", "The period ends before it starts"),
        ("2026-02-30", "2026-06-30", "Enter a valid date"),
        ("x" * 5000, "2026-06-30", "Enter a valid date"),
        ("2026-01-01\x00", "2026-06-30", "Enter a valid date"),
        ("²", "2026-06-30", "Enter a valid date"),
    ],
)
def test_a_bad_period_is_explained_and_nothing_is_counted(
    cast: Cast, start: str, end: str, message: str
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = cast.http("admin").get(URL, {"start": start, "end": end})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["overall"] is None
    assert not any("questionnaire" in q["sql"] for q in queries.captured_queries)


def test_a_far_period_and_an_unknown_therapist_are_safe(cast: Cast, courses: list[Built]) -> None:
    wide = cast.http("admin").get(URL, {"start": "0001-01-01", "end": "9999-12-31"})
    assert wide.status_code == 200 and "6 finished courses" in wide.content.decode()
    for therapist in ("²", "99999999999999999999", str(cast.users["other_therapist"].pk)):
        response = cast.http("admin").get(URL, {**PERIOD, "therapist": therapist})
        assert response.status_code == 200
        assert "Choose one of the therapists in the list." in response.content.decode()


def test_a_supervisor_sees_only_their_supervisees_courses(cast: Cast, courses: list[Built]) -> None:
    response = cast.http("supervisor").get(URL, PERIOD)
    assert response.context["overall"].group.finished == 1
    page = response.content.decode()
    assert "Tara Therapist" not in page
    behind = cast.http("supervisor").get(
        reverse("reports:outcome_courses"), {**PERIOD, "figure": "paired_data"}
    )
    assert [course.therapist for course, _, _ in behind.context["items"]] == [cast.users["student"]]
    # The student's courses are theirs to open: the supervisor's list links to them.
    assert all(may_open for _, _, may_open in behind.context["items"])
    other = cast.http("supervisor").get(
        URL, {**PERIOD, "therapist": str(cast.users["therapist"].pk)}
    )
    assert "Choose one of the therapists in the list." in other.content.decode()


def test_a_figure_links_to_the_courses_behind_it(cast: Cast, courses: list[Built]) -> None:
    page = cast.http("admin").get(URL, PERIOD)
    recovery = next(c for c in page.context["overall"].cells if c.figure.key == "recovery")
    listed = cast.http("admin").get(recovery.href)
    assert listed.status_code == 200
    items = listed.context["items"]
    assert len(items) == 5
    assert sum(counted for _, counted, _ in items) == 1
    # An administrator has not broken the glass: names without links to the records.
    assert not any(may_open for _, _, may_open in items)
    assert reverse("courses:detail", args=[items[0][0].pk]) not in listed.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"figure": "nonsense"},
        {"figure": "recovery", "dimension": "therapist", "key": "²"},
        {"figure": "recovery", "dimension": "focus", "key": "x" * 3000},
        {"figure": "recovery", "dimension": "elsewhere", "key": "all"},
    ],
)
def test_an_unknown_figure_or_group_is_not_found(cast: Cast, query: dict[str, str]) -> None:
    response = cast.http("admin").get(reverse("reports:outcome_courses"), {**PERIOD, **query})
    assert response.status_code == 404


def test_the_csv_holds_the_table(cast: Cast, courses: list[Built]) -> None:
    response = cast.http("admin").get(reverse("reports:clinic_outcomes_csv"), PERIOD)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    whole = rows[0]
    assert whole["split"] == "all" and whole["finished courses"] == "6"
    assert (whole["recovery numerator"], whole["recovery denominator"]) == ("1", "5")
    assert whole["recovery rate"] == "0.2000"
    student = next(r for r in rows if r["group"] == str(cast.users["student"]))
    assert student["finished courses"] == "1"
    assert AccessEntry.objects.filter(
        action="export", object_type="reports.clinic_outcomes"
    ).exists()


def test_the_csv_of_a_bad_period_is_the_page_with_its_message(cast: Cast) -> None:
    response = cast.http("admin").get(
        reverse("reports:clinic_outcomes_csv"), {"start": "2026-06-30", "end": "2026-01-01"}
    )
    assert response["Content-Type"].startswith("text/html")
    assert "The period ends before it starts" in response.content.decode()


def test_the_page_s_queries_do_not_grow_with_the_courses(cast: Cast) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert cast.http("admin").get(URL, PERIOD).status_code == 200
        return len(queries.captured_queries)

    build(cast, "first", phq9=(15, 4), gad7=(12, 3), requested_weeks_before=3, focus="grief")
    few = count()
    for i in range(6):
        build(
            cast,
            f"more {i}",
            phq9=(15, 9),
            gad7=(12, 3),
            requested_weeks_before=i,
            focus="role_dispute",
        )
    assert count() == few
