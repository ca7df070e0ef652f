from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry through the app."""


class AccessEntryQuerySet(models.QuerySet["AccessEntry"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")


class AccessEntry(models.Model):
    """Who read or wrote what about which client, when, from where. Append-only.

    A read is one entry per request, person, role and object: `times` says how often the
    request read it, `at` when it first did (audit.services.request_reads).
    """

    class Action(models.TextChoices):
        READ = "read", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        SIGN = "sign", "Signed"
        COSIGN = "cosign", "Co-signed"
        RETURN = "return", "Returned for revision"
        AMEND = "amend", "Amended"
        ARCHIVE = "archive", "Archived"
        RESTORE = "restore", "Restored"
        EXPORT = "export", "Exported"
        BREAK_GLASS = "break_glass", "Broke the glass"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, null=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    acting_role = models.CharField(max_length=20)
    action = models.CharField(max_length=20, choices=Action.choices)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, related_name="+"
    )
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    times = models.PositiveIntegerField(default=1)

    objects = AccessEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "access entries"
        indexes = [models.Index(fields=["clinic", "client", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_type}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")
