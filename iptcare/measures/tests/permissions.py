"""The measures pages in the permission matrix (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import Cast
from iptcare.measures.models import QuestionnaireResponse, RiskFlag
from tests.matrix import (
    Expectation,
    admin_page,
    api_record,
    client_page,
    logged_in,
    record_page,
)

EXPECTED: dict[str, Expectation] = {
    "measures:my": logged_in(client_page),
    "measures:my_answer": logged_in(client_page),
    "measures:my_save": logged_in(lambda role: 405),
    "measures:course": record_page(on_team=200),
    "measures:plan": record_page(on_team=403, treating=200),
    "measures:administer": record_page(on_team=403, treating=200, handed_to_client=True),
    # Without a device handed over, the way back goes home.
    "measures:handover_end": logged_in(lambda role: 302),
    "measures:response": record_page(on_team=200),
    "measures:flag": record_page(on_team=200),
    "measures:instruments": logged_in(admin_page),
    "api:measures_responses": api_record(on_team=200, admin=404),
    "api:measures_response": api_record(on_team=200, admin=404),
    "api:measures_flags": api_record(on_team=200, admin=404),
}


def _response(cast: Cast, target: str) -> int:
    return QuestionnaireResponse.objects.filter(client=cast.clients[target]).order_by("pk")[0].pk


def _flag(cast: Cast, target: str) -> int:
    return RiskFlag.objects.filter(client=cast.clients[target]).order_by("pk")[0].pk


KWARGS: dict[str, Callable[[Cast, str], object]] = {
    "code": lambda cast, target: "phq9",
    "response_id": _response,
    "flag_id": _flag,
}
