"""The portal's URLs in the permission matrix (home, details and homework are listed
with the foundation's, in tests/test_permission_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from iptcare.portal.models import PersonSuggestion
from tests.matrix import Expectation, client_page, logged_in

EXPECTED: dict[str, Expectation] = {
    "portal:relationships": logged_in(client_page),
    "portal:mood": logged_in(client_page),
    "portal:documents": logged_in(client_page),
    "portal:my_data": logged_in(client_page),
    # Posted from the inventory page; a GET is refused before anything is looked up.
    "portal:suggestion_decide": logged_in(lambda role: 405),
}


def _suggestion(cast: Cast, target: str) -> int:
    # The target's suggestion (the matrix builds one for the client; the student's client
    # has no login): any id serves, as a GET is refused before anything is looked up.
    return (
        PersonSuggestion.objects.filter(client=cast.clients[target])
        .values_list("pk", flat=True)
        .first()
        or 2**31
    )


KWARGS: dict[str, Callable[[Cast, str], object]] = {"suggestion_id": _suggestion}
