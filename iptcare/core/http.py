"""The request type of a view behind a login or role gate (core/access.py): its user is a
signed-in `User`, never `AnonymousUser`, so views read `request.user` without checks."""

from __future__ import annotations

from django.http import HttpRequest

from iptcare.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
