from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from conftest import Cast
from iptcare.audit.models import AccessEntry, AppendOnlyError
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clients.services import client_create


def entries_for(client: Client) -> list[AccessEntry]:
    return list(AccessEntry.objects.filter(client=client).order_by("pk"))


def test_opening_a_record_writes_who_as_what_when_and_from_where(cast: Cast) -> None:
    client = cast.clients["client"]
    before = len(entries_for(client))
    response = cast.http("therapist").get(
        f"/clients/{client.pk}/", REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="req-12345678"
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-12345678"
    entry = entries_for(client)[-1]
    assert len(entries_for(client)) == before + 1
    assert entry.user == cast.users["therapist"]
    assert entry.acting_role == "therapist"
    assert entry.action == "read"
    assert entry.object_type == "clients.client" and entry.object_id == str(client.pk)
    assert entry.ip == "10.1.2.3" and entry.request_id == "req-12345678"
    assert timezone.now() - entry.at < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("role", "url", "acting_role"),
    [
        ("supervisor", "/clients/{student_client}/record/", "supervisor"),
        ("admin", "/clients/{client}/", "administrator"),
        ("client", "/portal/my-details/", "client"),
        ("therapist", "/api/v1/clients/{client}", "therapist"),
    ],
)
def test_every_path_to_a_record_is_logged_with_the_granting_role(
    cast: Cast, role: str, url: str, acting_role: str
) -> None:
    ids = {name: c.pk for name, c in cast.clients.items()}
    count = AccessEntry.objects.count()
    assert cast.http(role).get(url.format(**ids)).status_code == 200
    assert AccessEntry.objects.count() > count
    assert AccessEntry.objects.latest("pk").acting_role == acting_role


def test_a_denied_look_leaves_no_read_entry(cast: Cast) -> None:
    client = cast.clients["client"]
    before = len(entries_for(client))
    assert cast.http("therapist2").get(f"/clients/{client.pk}/").status_code == 404
    assert len(entries_for(client)) == before


def test_an_edit_is_logged_with_the_changed_fields(cast: Cast) -> None:
    client = cast.clients["client"]
    browser = cast.http("admin")
    form = {
        "legal_name": client.legal_name,
        "preferred_name": "Jojo",
        "pronouns": client.pronouns,
        "date_of_birth": client.date_of_birth.isoformat(),
        "email": client.email,
        "phone": client.phone,
        "status": "active",
        "emergency_contact_name": client.emergency_contact_name,
        "emergency_contact_phone": client.emergency_contact_phone,
        "emergency_contact_relation": client.emergency_contact_relation,
        "presenting_concerns": client.presenting_concerns,
        "therapists": [t.pk for t in client.therapists.all()],
    }
    assert browser.post(f"/clients/{client.pk}/edit/", form).status_code == 302
    entry = AccessEntry.objects.filter(client=client, action="update").latest("pk")
    assert entry.detail == "changed: preferred_name"
    assert entry.user == cast.users["admin"]


def test_entries_cannot_be_changed_or_deleted_through_the_app(cast: Cast) -> None:
    entry = access_record(
        actor=Actor(user=cast.users["admin"], role="administrator"),
        action="read",
        client=cast.clients["client"],
        object_type="test",
    )
    entry.detail = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessEntry.objects.filter(pk=entry.pk).update(detail="tampered")
    with pytest.raises(AppendOnlyError):
        AccessEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.detail == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_accessentry SET detail = 'tampered' WHERE id = %s",
        "DELETE FROM audit_accessentry WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_even_in_raw_sql(cast: Cast, sql: str) -> None:
    entry = access_record(
        actor=Actor(user=None, role="system"), action="read", client=None, object_type="test"
    )
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.detail == ""


def test_a_write_and_its_audit_entry_commit_together(cast: Cast) -> None:
    clients_before = Client.objects.count()
    with mock.patch(
        "iptcare.clients.services.access_record", side_effect=DatabaseError("log is down")
    ):
        with pytest.raises(DatabaseError):
            client_create(
                actor=Actor(user=cast.users["admin"], role="administrator"),
                clinic=cast.clinic,
                legal_name="Never Saved",
                date_of_birth=date(1990, 1, 1),
            )
    assert Client.objects.count() == clients_before
    assert not Client.objects.filter(legal_name="Never Saved").exists()


def test_administrators_search_by_client_user_and_dates(cast: Cast) -> None:
    client = cast.clients["client"]
    cast.http("therapist").get(f"/clients/{client.pk}/")
    browser = cast.http("admin")
    from zoneinfo import ZoneInfo

    today = timezone.localdate(timezone=ZoneInfo(cast.clinic.time_zone)).isoformat()
    response = browser.get(
        "/audit/",
        {
            "chart_number": client.chart_number,
            "user_email": cast.users["therapist"].email,
            "date_from": today,
            "date_to": today,
        },
    )
    page = response.context["page"]
    assert response.status_code == 200
    assert len(page.object_list) >= 1
    assert all(e.client_id == client.pk and e.user.email.startswith("therapist@") for e in page)
    old = browser.get("/audit/", {"date_from": "2001-01-01", "date_to": "2001-01-02"})
    assert len(old.context["page"].object_list) == 0


def test_a_reversed_date_range_is_refused_with_a_message(cast: Cast) -> None:
    response = cast.http("admin").get(
        "/audit/", {"date_from": "2026-02-02", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "end date is before the start date" in response.content.decode()


def test_the_export_is_a_csv_of_the_same_search_and_is_itself_logged(cast: Cast) -> None:
    client = cast.clients["client"]
    cast.http("therapist").get(f"/clients/{client.pk}/")
    browser = cast.http("admin")
    response = browser.get("/audit/export.csv", {"chart_number": client.chart_number})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue().decode("utf-8-sig")  # Excel needs the BOM
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and all(row["chart number"] == client.chart_number for row in rows)
    assert AccessEntry.objects.filter(action="export", user=cast.users["admin"]).exists()


def test_an_administrator_never_sees_another_clinics_log(cast: Cast) -> None:
    cast.http("therapist").get(f"/clients/{cast.clients['client'].pk}/")
    response = cast.http("other_admin").get("/audit/", {"date_from": "2000-01-01"})
    assert all(e.clinic_id == cast.other_clinic.pk for e in response.context["page"])


def test_times_are_shown_in_the_clinics_time_zone(cast: Cast) -> None:
    from datetime import UTC
    from zoneinfo import ZoneInfo

    entry = access_record(
        actor=Actor(user=cast.users["admin"], role="administrator"),
        action="read",
        client=cast.clients["client"],
        object_type="test",
    )
    chart_number = cast.clients["client"].chart_number
    response = cast.http("admin").get("/audit/", {"chart_number": chart_number})
    body = response.content.decode()
    toronto = entry.at.astimezone(ZoneInfo("America/Toronto")).strftime("%Y-%m-%d %H:%M:%S")
    utc = entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert toronto in body
    assert utc not in body


def test_opening_the_clinical_record_writes_one_entry_not_two(cast: Cast) -> None:
    client = cast.clients["client"]
    before = len(entries_for(client))
    assert cast.http("therapist").get(f"/clients/{client.pk}/record/").status_code == 200
    new = entries_for(client)[before:]
    assert [(e.action, e.detail) for e in new] == [("read", "clients.view_clinical")]
