"""The role gate in front of a view: logged-out people are sent to log in (as with
`login_required`), people without the role get 403. The roles themselves are predicates
in `iptcare.accounts.rules` (or an app's rules); this module only applies them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from iptcare.accounts import rules as roles
from iptcare.accounts.models import User

P = ParamSpec("P")
R = TypeVar("R", bound=HttpRequest)  # HttpRequest, or AuthenticatedHttpRequest behind a gate
A = TypeVar("A", bound=HttpResponseBase)  # the view's answer: a page, a file, a stream
View = Callable[Concatenate[R, P], A]


def role_required(holds_role: Callable[[Any], bool]) -> Callable[[View[R, P, A]], View[R, P, A]]:
    """A view decorator: `holds_role(request.user)` must be true, else 403."""

    def gate(view: View[R, P, A]) -> View[R, P, A]:
        @wraps(view)
        def gated(request: R, /, *args: P.args, **kwargs: P.kwargs) -> A:
            if not holds_role(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(gated)

    return gate


def administrator_required(view: View[R, P, A]) -> View[R, P, A]:
    return role_required(roles.is_clinic_admin)(view)


def staff_required(view: View[R, P, A]) -> View[R, P, A]:
    return role_required(roles.is_clinic_staff)(view)


def therapist_required(view: View[R, P, A]) -> View[R, P, A]:
    return role_required(roles.is_therapist)(view)


def client_required(view: View[R, P, A]) -> View[R, P, A]:
    return role_required(roles.is_client)(view)


def user_of(request: HttpRequest) -> User:
    """The signed-in person behind a request that a role gate has let through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
