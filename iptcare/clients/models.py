from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

BREAK_GLASS_DURATION = timedelta(hours=1)


class ClientQuerySet(models.QuerySet["Client"]):
    def in_clinic(self, clinic_id: int) -> ClientQuerySet:
        return self.filter(clinic_id=clinic_id)


class Client(models.Model):
    """A person receiving care. Never deleted: discharged clients keep their record."""

    class Status(models.TextChoices):
        INTAKE = "intake", "Intake"
        ACTIVE = "active", "Active"
        DISCHARGED = "discharged", "Discharged"

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="clients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="client_record",
    )
    chart_number = models.CharField(max_length=20, editable=False)
    legal_name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    emergency_contact_relation = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INTAKE)
    therapists = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_clients", blank=True
    )
    # Clinical: shown only to the care team (or an administrator who breaks the glass).
    presenting_concerns = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "chart_number"], name="chart_number_unique_per_clinic"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The preferred name first, then the legal name: "Cle (Cleo Client)"; only the
        legal name when the preferred name is one of its words ("Cleo" of "Cleo Client")."""
        if self.preferred_name and f" {self.preferred_name.casefold()} " not in (
            f" {self.legal_name.casefold()} "
        ):
            return f"{self.preferred_name} ({self.legal_name})"
        return self.legal_name

    @property
    def first_name(self) -> str:
        return self.preferred_name or self.legal_name.split(" ")[0]

    def age_on(self, day) -> int:
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years


class BreakGlassAccess(models.Model):
    """An administrator's time-limited, reasoned access to a client's clinical record."""

    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "break-glass accesses"

    def __str__(self) -> str:
        return f"{self.user} → {self.client} ({self.created_at:%Y-%m-%d %H:%M})"
