"""The log as a privacy officer reads it: plain names of people, roles, actions and objects,
a search by the client's name as well as the chart number, and a CSV in the clinic's time
zone with its UTC offset."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.courses.models import SessionNote
from tests import factories

SUMMER = datetime(2026, 8, 4, 14, 0, tzinfo=UTC)  # 10:00 in Toronto (EDT, -04:00)
WINTER = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 in Toronto (EST, -05:00)


@pytest.fixture
def jordan(cast: Cast) -> Client:
    return factories.client(
        cast.clinic, therapists=[cast.users["therapist"]], legal_name="Jordan Lee"
    )


def notes_of(client: Client, count: int) -> list[SessionNote]:
    course = factories.open_course(client)
    return factories.signed_notes(course, count)


def log_page(cast: Cast, **search: str) -> str:
    response = cast.http("admin").get("/audit/", search)
    assert response.status_code == 200
    return response.content.decode()


def test_a_read_note_is_named_by_its_session_and_client(cast: Cast, jordan: Client) -> None:
    note = notes_of(jordan, 3)[2]
    url = reverse("courses:note", kwargs={"course_id": note.course_id, "note_id": note.pk})
    assert cast.http("therapist").get(url).status_code == 200
    page = log_page(cast, client=jordan.chart_number)
    assert "Session note 3 of Jordan Lee" in page
    assert "Tara Therapist" in page and "Therapist" in page and "Viewed" in page
    assert "courses.sessionnote" not in page


def test_a_read_of_the_clinical_record_says_so_without_the_permissions_name(
    cast: Cast, jordan: Client
) -> None:
    assert cast.http("therapist").get(f"/clients/{jordan.pk}/record/").status_code == 200
    page = log_page(cast, client=jordan.chart_number)
    assert "Clinical record of Jordan Lee" in page
    assert "clients.view_clinical" not in page and "clients.client" not in page


def test_repeated_reads_in_one_request_show_as_one_row_with_their_count(
    cast: Cast, jordan: Client
) -> None:
    # The self-reflection page reads the record, then its clinical part.
    url = reverse("intake:reflection", kwargs={"client_id": jordan.pk})
    assert cast.http("therapist").get(url).status_code == 200
    page = log_page(cast, client=jordan.chart_number)
    assert page.count("Clinical record of Jordan Lee") == 1
    assert "2 times" in page


def test_roles_and_accounts_read_in_plain_words(cast: Cast) -> None:
    admin = cast.users["admin"]
    access_record(
        actor=Actor(user=admin, role="administrator"),
        action="update",
        client=None,
        target=cast.users["therapist"],
    )
    access_record(
        actor=Actor(user=None, role="system"), action="export", client=None, object_type="x.y"
    )
    page = log_page(cast, user_email=admin.email)
    assert "Account of Tara Therapist" in page
    assert "Clinic administrator" in page and "Changed" in page
    assert "accounts.user" not in page


def _log_mixed_reads(cast: Cast, client: Client, notes: list[SessionNote]) -> None:
    admin = Actor(user=cast.users["admin"], role="administrator")
    for note in notes:
        access_record(actor=admin, action="read", client=client, target=note)
        access_record(actor=admin, action="read", client=client, target=note.course)
        access_record(actor=admin, action="read", client=client, target=client)
        access_record(actor=admin, action="update", client=None, target=cast.users["therapist"])
        access_record(
            actor=admin,
            action="read",
            client=client,
            object_type="scheduling.invoice",
            object_id=str(note.pk),
        )


def _queries_of_the_log_page(cast: Cast) -> tuple[int, str]:
    browser = cast.http("admin")
    mine = {"user_email": cast.users["admin"].email}
    browser.get("/audit/", mine)  # the session and caches warm
    with CaptureQueriesContext(connection) as queries:
        page = browser.get("/audit/", mine).content.decode()
    return len(queries.captured_queries), page


def test_the_log_page_costs_the_same_queries_for_five_rows_as_for_fifty(
    cast: Cast, jordan: Client
) -> None:
    notes = notes_of(jordan, 10)
    _log_mixed_reads(cast, jordan, notes[:1])
    few, page = _queries_of_the_log_page(cast)
    assert page.count("<tr>") == 1 + 5  # the heading's row and five entries
    _log_mixed_reads(cast, jordan, notes[1:])
    many, page = _queries_of_the_log_page(cast)
    assert page.count("<tr>") == 1 + 50  # a full page
    assert "Session note 10 of Jordan Lee" in page and "Account of Tara Therapist" in page
    assert many == few


@pytest.mark.parametrize(
    "text", ["Jordan", "jordan lee", "LEE", "Lee Jordan", "Jojo", "jojo lee", "{chart}"]
)
def test_administrators_find_a_clients_entries_by_name_or_chart_number(
    cast: Cast, text: str
) -> None:
    jordan = factories.client(
        cast.clinic,
        therapists=[cast.users["therapist"]],
        legal_name="Jordan Lee",
        preferred_name="Jojo",
    )
    admin = Actor(user=cast.users["admin"], role="administrator")
    for client in (jordan, cast.clients["client"], cast.clients["client2"]):
        access_record(actor=admin, action="read", client=client, target=client)
    response = cast.http("admin").get("/audit/", {"client": text.format(chart=jordan.chart_number)})
    entries = list(response.context["page"])
    assert entries and {e.client_id for e in entries} == {jordan.pk}


def test_a_name_that_matches_nobody_finds_nothing_and_says_so(cast: Cast) -> None:
    access_record(
        actor=Actor(user=cast.users["admin"], role="administrator"),
        action="read",
        client=cast.clients["client"],
        target=cast.clients["client"],
    )
    page = log_page(cast, client="Nobody Byname")
    assert "No entries match." in page


def test_another_clinics_client_of_the_same_name_is_never_found(cast: Cast) -> None:
    other = cast.clients["other"]  # Olga Other, of Lakeshore Counselling
    access_record(
        actor=Actor(user=cast.users["other_admin"], role="administrator"),
        action="read",
        client=other,
        target=other,
    )
    page = log_page(cast, client="Olga")
    assert "No entries match." in page


def _csv(cast: Cast, **search: str) -> list[dict[str, str]]:
    body = cast.http("admin").get("/audit/export.csv", search).getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body, newline="")))


@pytest.mark.parametrize(
    ("moment", "written"),
    [(SUMMER, "2026-08-04 10:00:00-04:00"), (WINTER, "2026-01-15 10:00:00-05:00")],
)
def test_the_csv_gives_the_clinics_time_with_its_utc_offset(
    cast: Cast, jordan: Client, moment: datetime, written: str
) -> None:
    with time_machine.travel(moment, tick=False):
        access_record(
            actor=Actor(user=cast.users["therapist"], role="therapist"),
            action="read",
            client=jordan,
            target=jordan,
            detail="clients.view_clinical",
        )
    [row] = [r for r in _csv(cast, client="Jordan Lee") if r["action"] == "Viewed"]
    header = "time (America/Toronto, with UTC offset)"
    assert row[header] == written
    assert datetime.fromisoformat(row[header]) == moment
    assert row["what"] == "Clinical record of Jordan Lee"
    assert (row["user"], row["acting role"], row["action"]) == (
        "Tara Therapist",
        "Therapist",
        "Viewed",
    )
    assert (row["client"], row["chart number"]) == ("Jordan Lee", jordan.chart_number)
    assert (row["object type"], row["detail"], row["times"]) == (
        "clients.client",
        "clients.view_clinical",
        "1",
    )


def test_the_csv_of_another_time_zone_names_that_zone(cast: Cast) -> None:
    other = cast.clients["other"]
    with time_machine.travel(SUMMER, tick=False):
        access_record(
            actor=Actor(user=cast.users["other_admin"], role="administrator"),
            action="read",
            client=other,
            target=other,
        )
    body = cast.http("other_admin").get("/audit/export.csv").getvalue().decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(body))
    [row] = [r for r in rows if r["client"] == "Olga Other" and r["action"] == "Viewed"]
    assert row["time (America/Vancouver, with UTC offset)"] == "2026-08-04 07:00:00-07:00"


def test_old_links_by_chart_number_still_search(cast: Cast, jordan: Client) -> None:
    access_record(
        actor=Actor(user=cast.users["admin"], role="administrator"),
        action="read",
        client=jordan,
        target=jordan,
    )
    response = cast.http("admin").get("/audit/", {"chart_number": jordan.chart_number})
    assert {e.client_id for e in response.context["page"]} == {jordan.pk}
    assert AccessEntry.objects.filter(client=jordan).exists()
