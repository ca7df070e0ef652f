"""Who holds which role: the gates in front of whole areas of the app.

- An administrator runs the clinic: staff, settings, invoices, the access log.
- Staff (administrator, therapist, supervisor) reach the staff pages; what they see there
  is decided per record by each app's rules.
- A client reaches only the portal.

A person logged out holds no role.
"""

from __future__ import annotations

import rules
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from iptcare.accounts.models import User


def _signed_in(user: AbstractBaseUser | AnonymousUser) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


@rules.predicate
def is_clinic_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    person = _signed_in(user)
    return bool(person and person.is_clinic_admin)


@rules.predicate
def is_therapist(user: AbstractBaseUser | AnonymousUser) -> bool:
    person = _signed_in(user)
    return bool(person and person.is_therapist)


@rules.predicate
def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    person = _signed_in(user)
    return bool(person and person.is_supervisor)


@rules.predicate
def is_client(user: AbstractBaseUser | AnonymousUser) -> bool:
    person = _signed_in(user)
    return bool(person and person.is_client)


is_clinic_staff = is_clinic_admin | is_therapist | is_supervisor

# Two-step sign-in is for staff; clients sign in with their password alone.
rules.add_perm("accounts.use_two_factor", is_clinic_staff)
