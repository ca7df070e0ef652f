"""Supervision pages."""

from django.urls import path  # noqa: F401

from iptcare.supervision import views  # noqa: F401

app_name = "supervision"

urlpatterns = [
    # Review of notes
    # Fidelity
    # Supervision log
    # Practicum hours
    # Certification
    # Supervisor's home
]
