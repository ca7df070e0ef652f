"""Invitations and staff accounts."""

from __future__ import annotations

import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from iptcare.accounts.models import Invitation, User, hash_token
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic, TherapistProfile
from iptcare.clinic.selectors import clinic_today
from iptcare.clinic.services import SupervisionError, supervision_link_add


class InvitationError(ValueError):
    """An invitation that cannot be sent or accepted; the message says why."""


def greeting_name(user: User, client: Client | None = None) -> str:
    """The name to greet someone by: a client's preferred name (else their first name),
    a staff member's full name."""
    if client is None:
        client = Client.objects.filter(user=user).first()
    return client.first_name if client is not None else user.full_name


def _invitation_email(invitation: Invitation, link: str, name: str) -> None:
    context = {"invitation": invitation, "link": link, "clinic": invitation.clinic, "name": name}
    # The expiry day is the clinic's, whoever or whatever (a request, a job) sends it.
    with timezone.override(ZoneInfo(invitation.clinic.time_zone)):
        message = render_to_string("accounts/email/invitation.txt", context)
    send_mail(
        subject=f"Your invitation to {invitation.clinic.name}",
        message=message,
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
        clinic=user.home_clinic,
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
    name = greeting_name(user, client)
    transaction.on_commit(lambda: _invitation_email(invitation, link, name))
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
        )
        if supervisor is not None:
            # Their primary supervisor from today on (clinic.SupervisionLink).
            try:
                supervision_link_add(
                    actor=actor,
                    supervisee=user,
                    supervisor=supervisor,
                    is_primary=True,
                    starts_on=clinic_today(clinic),
                )
            except SupervisionError as problem:
                raise InvitationError(str(problem)) from problem
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


# --- Two-step sign-in (django-otp) ---------------------------------------------------------

BACKUP_CODE_COUNT = 10


class TwoFactorError(ValueError):
    """A code that was refused, or a change that is not allowed; the message says why."""


def _clean_code(code: str) -> str:
    # People type codes with spaces or dashes ("123 456", "abcd-efgh").
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def _refused(device: Device) -> TwoFactorError | None:
    """The waiting message while django-otp throttles a device after wrong codes."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    seconds = max(1, int((until - timezone.now()).total_seconds())) if until else 60
    return TwoFactorError(
        f"Too many wrong codes. Wait {seconds} second{'s' if seconds != 1 else ''} and try again."
    )


def two_factor_pending_device(user: User) -> TOTPDevice:
    """The authenticator being set up: made on first call and kept until it is confirmed,
    so reloading the page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def _backup_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_confirm(*, actor: Actor, device: TOTPDevice, code: str) -> list[str]:
    """Turn two-step sign-in on with the first code from the new authenticator. Returns
    the backup codes, which are shown once. Any earlier authenticator stops working."""
    code = _clean_code(code)
    if len(code) != 6 or not code.isdigit():
        raise TwoFactorError("Enter the six-digit code your authenticator app shows.")
    refused = _refused(device)
    if refused is not None:
        raise refused
    # Outside the transaction below: a wrong code's throttling count must be kept.
    if not device.verify_token(code):
        raise TwoFactorError(
            "That code does not match. Check that your phone's clock is right and enter "
            "the newest code."
        )
    return _two_factor_turn_on(actor=actor, device=device)


@transaction.atomic
def _two_factor_turn_on(*, actor: Actor, device: TOTPDevice) -> list[str]:
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    codes = _backup_codes_replace(user)
    User.objects.filter(pk=user.pk).update(two_factor_enabled=True)
    user.two_factor_enabled = True
    access_record(
        actor=actor, action="update", client=None, target=user, detail="two-step sign-in on"
    )
    return codes


def two_factor_check(*, user: User, code: str) -> Device:
    """The device that accepts this code (the authenticator's six digits, or one of the
    backup codes, which then stops working); TwoFactorError otherwise."""
    code = _clean_code(code)
    if not code:
        raise TwoFactorError("Enter the code from your authenticator app, or a backup code.")
    kind = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    devices = [d for d in devices_for_user(user, confirmed=True) if isinstance(d, kind)]
    for device in devices:
        refused = _refused(device)
        if refused is not None:
            raise refused
        if device.verify_token(code):
            return device
    if kind is StaticDevice:
        raise TwoFactorError("That backup code does not match, or it has been used already.")
    raise TwoFactorError(
        "That code does not match. Enter the newest code from your authenticator app."
    )


@transaction.atomic
def two_factor_backup_codes_renew(*, actor: Actor, user: User) -> list[str]:
    """New backup codes; the old ones stop working."""
    if not user.two_factor_enabled:
        raise TwoFactorError("Set up two-step sign-in first.")
    codes = _backup_codes_replace(user)
    access_record(actor=actor, action="update", client=None, target=user, detail="new backup codes")
    return codes


@transaction.atomic
def two_factor_turn_off(*, actor: Actor, user: User, reason: str) -> None:
    """Remove a person's authenticator and backup codes: by themselves where the clinic
    does not require two-step sign-in, or by an administrator (a lost phone), who must say
    why. The person sets it up again at their next sign-in where the clinic requires it."""
    by_admin = actor.user is not None and actor.user.pk != user.pk
    if by_admin:
        admin = actor.person
        if not (admin.is_clinic_admin and admin.clinic_id == user.clinic_id):
            raise TwoFactorError("Only an administrator of this clinic can reset it.")
        if len(reason.strip()) < 5:
            raise TwoFactorError("Say why (at least 5 characters), e.g. “lost phone”.")
    elif user.clinic is not None and user.clinic.require_staff_two_factor:
        raise TwoFactorError("Your clinic requires two-step sign-in for staff.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(two_factor_enabled=False)
    user.two_factor_enabled = False
    detail = "two-step sign-in reset by an administrator: " if by_admin else "two-step sign-in off"
    access_record(
        actor=actor,
        action="update",
        client=None,
        target=user,
        detail=(detail + reason.strip()) if by_admin else detail,
    )


# --- Proving it is still you (leaving "hand the device to the client") --------------------


def identity_confirm(*, user: User, secret: str) -> None:
    """The signed-in person proves they are at the device again: with their two-step code
    where they use two-step sign-in (a backup code works too), else with their password.
    TwoFactorError says what was wrong."""
    if user.two_factor_enabled:
        two_factor_check(user=user, code=secret)
    elif not secret or not user.check_password(secret):
        raise TwoFactorError("That password is not right.")
