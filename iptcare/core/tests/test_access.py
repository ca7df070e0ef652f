"""The role gate: logged-out people go to log in, the wrong role gets 403, the right role
gets the page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.test import RequestFactory

from conftest import Cast
from iptcare.accounts import rules as roles
from iptcare.accounts.models import User
from iptcare.core.access import (
    administrator_required,
    client_required,
    role_required,
    staff_required,
    therapist_required,
    user_of,
)

Page = Callable[..., HttpResponse]


def _view(request: HttpRequest, number: int) -> HttpResponse:
    return HttpResponse(f"page {number}")


def _asking(user: User | AnonymousUser) -> HttpRequest:
    request = RequestFactory().get("/somewhere/?tab=2")
    request.user = user
    return request


def test_it_sends_someone_logged_out_to_log_in_and_back() -> None:
    gated = administrator_required(_view)
    response = gated(_asking(AnonymousUser()), number=1)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url('accounts:login')}?next=/somewhere/%3Ftab%3D2"


@pytest.mark.parametrize(
    ("gate", "allowed"),
    [
        (administrator_required, {"admin", "other_admin"}),
        (staff_required, {"admin", "other_admin", "therapist", "student", "supervisor"}),
        (therapist_required, {"therapist", "student"}),
        (client_required, {"client"}),
    ],
    ids=["administrator", "staff", "therapist", "client"],
)
def test_it_lets_the_role_through_and_refuses_the_others(
    cast: Cast, gate: Callable[[Page], Page], allowed: set[str]
) -> None:
    gated = gate(_view)
    for role in ["admin", "other_admin", "therapist", "student", "supervisor", "client"]:
        request = _asking(cast.users[role])
        if role in allowed:
            assert gated(request, number=7).content == b"page 7", role
        else:
            with pytest.raises(PermissionDenied):
                gated(request, number=7)


def test_it_takes_any_rule_about_the_person(cast: Cast) -> None:
    gated = role_required(roles.is_supervisor)(_view)
    assert gated(_asking(cast.users["supervisor"]), number=3).status_code == 200
    with pytest.raises(PermissionDenied):
        gated(_asking(cast.users["therapist"]), number=3)


def test_it_keeps_the_views_name_for_urls_and_tracebacks() -> None:
    assert staff_required(_view).__name__ == "_view"


def test_the_person_behind_a_gated_request_is_a_user(cast: Cast) -> None:
    assert user_of(_asking(cast.users["therapist"])) == cast.users["therapist"]
    with pytest.raises(PermissionDenied):
        user_of(_asking(AnonymousUser()))
