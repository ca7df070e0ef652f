from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from iptcare.clinic.models import Clinic


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Clinic administrator"
    THERAPIST = "therapist", "Therapist"
    SUPERVISOR = "supervisor", "Supervisor"
    CLIENT = "client", "Client"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Staff roles can be combined; a client holds no staff role."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    is_clinic_admin = models.BooleanField("clinic administrator", default=False)
    is_therapist = models.BooleanField(default=False)
    is_supervisor = models.BooleanField(default=False)
    is_client = models.BooleanField(default=False)
    # Kept beside the devices (django-otp) so that every request can tell, without a
    # query, whether this person must enter a code after their password.
    two_factor_enabled = models.BooleanField("two-step sign-in", default=False, editable=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Django admin site access (unused).")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    if TYPE_CHECKING:
        # Set on the signed-in user of each request by django-otp's OTPMiddleware.
        def is_verified(self) -> bool: ...

    # Every person the app serves (staff and clients) belongs to a clinic; only a Django
    # superuser made at the command line may not, and no page is for them (403, not 500).
    @property
    def home_clinic(self) -> Clinic:
        if self.clinic is None:
            raise PermissionDenied("This account belongs to no clinic.")
        return self.clinic

    @property
    def home_clinic_id(self) -> int:
        if self.clinic_id is None:
            raise PermissionDenied("This account belongs to no clinic.")
        return self.clinic_id

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        # "Dr. Helen Park" → "Helen": skip honorifics that end with a full stop.
        words = [w for w in self.full_name.split() if not w.endswith(".")]
        return words[0] if words else (self.full_name or self.email)

    @property
    def roles(self) -> list[str]:
        flags = [
            (self.is_clinic_admin, Role.ADMINISTRATOR),
            (self.is_therapist, Role.THERAPIST),
            (self.is_supervisor, Role.SUPERVISOR),
            (self.is_client, Role.CLIENT),
        ]
        return [role.value for held, role in flags if held]

    @property
    def is_clinic_staff(self) -> bool:
        return self.is_clinic_admin or self.is_therapist or self.is_supervisor


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use link that lets an invited person set their password and log in.

    The invited user already exists (inactive, no usable password) so that staff details
    and the client link are fixed by the administrator, not by whoever holds the link.
    """

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations")
    # Only the hash is stored, so a database leak does not leak working links.
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user.email}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "used"
        if self.revoked_at:
            return "replaced"
        if timezone.now() >= self.expires_at:
            return "expired"
        return "open"
