"""Only a lost database is "briefly unavailable" (503); a value the database cannot take is
refused at the edge with a 4xx, and any other database error is a plain 500 (a bug)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import (
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from django.test import Client as HttpClient

from conftest import Cast
from iptcare.core.errors import database_unavailable


class _DriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _wrapped(django_error: type[Exception], message: str, sqlstate: str | None) -> Exception:
    """A Django database error as Django raises it: the driver's error as its cause."""
    error = django_error(message)
    error.__cause__ = _DriverError(message, sqlstate)
    return error


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("could not connect to server: Connection refused"),
        _wrapped(OperationalError, "connection failed: Connection refused", None),
        _wrapped(OperationalError, "server closed the connection unexpectedly", None),
        _wrapped(OperationalError, "terminating connection due to administrator command", "57P01"),
        _wrapped(OperationalError, "sorry, too many clients already", "53300"),
        _wrapped(OperationalError, "connection exception", "08006"),
        OperationalError("database is locked"),
        InterfaceError("connection already closed"),
    ],
    ids=repr,
)
def test_a_lost_or_refused_connection_is_the_database_being_unavailable(
    error: Exception,
) -> None:
    assert database_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        _wrapped(DataError, "numeric value out of range", "22003"),
        _wrapped(DataError, "PostgreSQL text fields cannot contain NUL (0x00) bytes", None),
        _wrapped(IntegrityError, "duplicate key value violates unique constraint", "23505"),
        _wrapped(ProgrammingError, 'relation "x" does not exist', "42P01"),
        OperationalError("no such table: measures_questionnaireresponse"),
        _wrapped(OperationalError, "division by zero", "22012"),
        ValueError("not a database error"),
    ],
    ids=repr,
)
def test_any_other_database_error_is_not(error: Exception) -> None:
    assert not database_unavailable(error)


def _browser(cast: Cast, role: str) -> HttpClient:
    browser = HttpClient(raise_request_exception=False)
    browser.force_login(cast.users[role])
    return browser


def test_an_offset_too_large_for_the_database_is_refused_with_a_message(cast: Cast) -> None:
    answer = _browser(cast, "therapist").get("/api/v1/clients?offset=100000000000000000000")
    assert answer.status_code == 422
    assert "offset" in answer.json()["detail"]


def test_a_nul_byte_in_the_client_search_is_ignored(cast: Cast) -> None:
    browser = _browser(cast, "therapist")
    name = cast.clients["client"].legal_name
    answer = browser.get("/clients/", {"q": name[:3] + "\x00" + name[3:]})
    assert answer.status_code == 200
    assert name in answer.content.decode()
    assert browser.get("/clients/?q=%00").status_code == 200


def test_a_database_error_that_is_a_bug_shows_the_500_page_not_the_503(cast: Cast) -> None:
    error = _wrapped(DataError, "numeric value out of range", "22003")
    with mock.patch("iptcare.home.views.clinic_overview", side_effect=error):
        answer = _browser(cast, "admin").get("/home/")
    assert answer.status_code == 500
    assert "Something went wrong on our side" in answer.content.decode()


def test_a_lost_database_still_shows_the_503_page(cast: Cast) -> None:
    error = _wrapped(OperationalError, "server closed the connection unexpectedly", None)
    with mock.patch("iptcare.home.views.clinic_overview", side_effect=error):
        answer = _browser(cast, "admin").get("/home/")
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert "briefly unavailable" in answer.content.decode()
