"""Supervision pages."""

from django.urls import path

from iptcare.supervision import views

app_name = "supervision"

urlpatterns = [
    # Review of notes
    # Fidelity
    # Supervision log
    # Practicum hours
    # Certification
    path("therapists/<id:therapist_id>/certification/", views.certification, name="certification"),
    # Supervisor's home
]
