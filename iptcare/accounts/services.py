"""Invitations and staff accounts."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import Invitation, User, hash_token
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic, TherapistProfile


class InvitationError(ValueError):
    """An invitation that cannot be sent or accepted; the message says why."""


def _invitation_email(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link, "clinic": invitation.clinic}
    send_mail(
        subject=f"Your invitation to {invitation.clinic.name}",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.user.email],
    )


@transaction.atomic
def invitation_create(*, actor: Actor, user: User) -> tuple[Invitation, str]:
    """A fresh single-use link for `user`; earlier open links for them stop working.

    The email goes out after commit, so a rolled-back invitation never reaches anyone.
    Returns the invitation and the raw token (only its hash is stored).
    """
    if user.is_active and user.has_usable_password():
        raise InvitationError(f"{user.email} already has an account; use password reset.")
    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at=None, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        clinic=user.clinic,
        user=user,
        token_hash=hash_token(token),
        created_by=actor.user,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    client = Client.objects.filter(user=user).first()
    if client is not None:
        access_record(
            actor=actor,
            action="create",
            client=client,
            target=invitation,
            detail="portal invitation",
        )
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:invitation_accept", args=[token])
    transaction.on_commit(lambda: _invitation_email(invitation, link))
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("user", "clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationError("This invitation link is not valid.")
    if invitation.status != "open":
        raise InvitationError(f"This invitation has been {invitation.status}.")
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def staff_invite(
    *,
    actor: Actor,
    clinic: Clinic,
    email: str,
    full_name: str,
    is_clinic_admin: bool = False,
    is_therapist: bool = False,
    is_supervisor: bool = False,
    therapist_kind: str = TherapistProfile.Kind.REGISTERED,
    profession: str = "",
    credentials: str = "",
    regulatory_college: str = "",
    registration_number: str = "",
    supervisor: User | None = None,
) -> tuple[Invitation, str]:
    email = email.strip().lower()
    if not (is_clinic_admin or is_therapist or is_supervisor):
        raise InvitationError("Choose at least one role.")
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationError(f"{email} already has an account.")
    user = User.objects.create_user(
        email=email,
        password=None,
        full_name=full_name.strip(),
        clinic=clinic,
        is_clinic_admin=is_clinic_admin,
        is_therapist=is_therapist,
        is_supervisor=is_supervisor,
        is_active=False,
    )
    if is_therapist:
        if therapist_kind == TherapistProfile.Kind.PRACTICUM and supervisor is None:
            raise InvitationError("A practicum student needs a supervisor.")
        if therapist_kind == TherapistProfile.Kind.REGISTERED and not registration_number:
            raise InvitationError("A registered therapist needs a registration number.")
        if supervisor is not None and (
            supervisor.clinic_id != clinic.pk or not supervisor.is_supervisor
        ):
            raise InvitationError(f"{supervisor} is not a supervisor at {clinic}.")
        TherapistProfile.objects.create(
            clinic=clinic,
            user=user,
            kind=therapist_kind,
            profession=profession,
            credentials=credentials,
            regulatory_college=regulatory_college,
            registration_number=registration_number,
            supervisor=supervisor,
        )
    return invitation_create(actor=actor, user=user)


@transaction.atomic
def client_portal_invite(*, actor: Actor, client: Client) -> tuple[Invitation, str]:
    """Create (or re-invite) the client's portal login."""
    if not client.email:
        raise InvitationError("Add the client's email address before inviting them.")
    user = client.user
    if user is None:
        if User.objects.filter(email__iexact=client.email).exists():
            raise InvitationError(f"{client.email} already belongs to another account.")
        user = User.objects.create_user(
            email=client.email,
            password=None,
            full_name=client.legal_name,
            clinic=client.clinic,
            is_client=True,
            is_active=False,
        )
        client.user = user
        client.save(update_fields=["user", "updated_at"])
    return invitation_create(actor=actor, user=user)
