"""One access-log entry per request and object: a request that reads a record several
times leaves one entry saying how often; its writes are stored at once, in their own
transaction, and stay entries of their own."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client as HttpClient
from django.urls import path, reverse

from conftest import Cast
from iptcare.audit.models import AccessEntry, AccessEntryQuerySet
from iptcare.audit.services import Actor, access_record, actor_from_request
from iptcare.clients.models import Client
from iptcare.clients.selectors import client_get_for
from tests import factories


def _read_three_times(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    for _ in range(3):
        client = client_get_for(actor=actor, pk=client_id)
    return HttpResponse(client.legal_name)


def _read_then_write(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = client_get_for(actor=actor, pk=client_id)
    with transaction.atomic():
        access_record(actor=actor.as_role("administrator"), action="update", client=client)
    client_get_for(actor=actor, pk=client_id)
    stored = AccessEntry.objects.filter(client=client, request_id=actor.request_id)
    return HttpResponse(" ".join(sorted(stored.values_list("action", flat=True))))


def _read_then_fail(request: HttpRequest, client_id: int) -> HttpResponse:
    client_get_for(actor=actor_from_request(request), pk=client_id)
    raise RuntimeError("the page broke after reading the record")


urlpatterns = [
    path("read-three-times/<int:client_id>/", _read_three_times),
    path("read-then-write/<int:client_id>/", _read_then_write),
    path("read-then-fail/<int:client_id>/", _read_then_fail),
]


def entries_since(pk: int, client: Client) -> list[AccessEntry]:
    return list(AccessEntry.objects.filter(pk__gt=pk, client=client).order_by("pk"))


def last_pk() -> int:
    last = AccessEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


@pytest.mark.urls(__name__)
def test_a_request_that_reads_a_record_three_times_leaves_one_entry_saying_so(
    cast: Cast,
) -> None:
    client = cast.clients["client"]
    before = last_pk()
    response = cast.http("admin").get(
        f"/read-three-times/{client.pk}/", HTTP_X_REQUEST_ID="req-three-reads"
    )
    assert response.status_code == 200
    [entry] = entries_since(before, client)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "read",
        "clients.client",
        str(client.pk),
    )
    assert entry.times == 3
    assert entry.request_id == "req-three-reads"
    assert entry.acting_role == "administrator" and entry.user == cast.users["admin"]


@pytest.mark.urls(__name__)
def test_a_write_is_stored_at_once_and_a_read_of_the_same_record_stays_its_own_entry(
    cast: Cast,
) -> None:
    client = cast.clients["client"]
    before = last_pk()
    response = cast.http("admin").get(f"/read-then-write/{client.pk}/")
    # While the request ran, its write was in the database and its reads not yet.
    assert response.content.decode() == "update"
    entries = entries_since(before, client)
    assert sorted((e.action, e.times) for e in entries) == [("read", 2), ("update", 1)]


@pytest.mark.urls(__name__)
def test_the_reads_of_a_request_that_fails_are_still_logged(cast: Cast) -> None:
    client = cast.clients["client"]
    before = last_pk()
    browser = HttpClient(raise_request_exception=False)
    browser.force_login(cast.users["admin"])
    assert browser.get(f"/read-then-fail/{client.pk}/").status_code == 500
    assert [(e.action, e.times) for e in entries_since(before, client)] == [("read", 1)]


@pytest.mark.urls(__name__)
def test_a_record_whose_reading_cannot_be_logged_is_not_shown(cast: Cast) -> None:
    client = cast.clients["client"]
    browser = HttpClient(raise_request_exception=False)
    browser.force_login(cast.users["admin"])
    with mock.patch.object(
        AccessEntryQuerySet, "bulk_create", side_effect=DatabaseError("log is down")
    ):
        response = browser.get(f"/read-three-times/{client.pk}/")
    assert response.status_code == 500
    assert client.legal_name not in response.content.decode()


def test_the_self_reflection_page_leaves_one_entry_for_the_record_it_reads_twice(
    cast: Cast,
) -> None:
    client = cast.clients["client"]
    factories.self_reflection(client)
    before = last_pk()
    url = reverse("intake:reflection", kwargs={"client_id": client.pk})
    assert cast.http("therapist").get(url).status_code == 200
    [entry] = [e for e in entries_since(before, client) if e.object_type == "clients.client"]
    assert (entry.action, entry.times) == ("read", 2)
    assert entry.detail == "clients.view_record; clients.view_clinical"


def test_a_read_outside_a_request_is_stored_at_once(cast: Cast) -> None:
    entry = access_record(
        actor=Actor(user=None, role="system", request_id="nightly-task"),
        action="read",
        client=cast.clients["client"],
        object_type="clients.client",
        object_id=str(cast.clients["client"].pk),
    )
    assert entry.pk is not None and entry.times == 1
