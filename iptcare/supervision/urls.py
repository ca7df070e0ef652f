"""Supervision pages."""

from django.urls import path

from iptcare.supervision import views

app_name = "supervision"

urlpatterns = [
    # Review of notes
    path("notes/<id:course_id>/<id:note_id>/review/", views.note_review, name="note_review"),
    path("notes/<id:course_id>/<id:note_id>/versions/", views.note_versions, name="note_versions"),
    # Fidelity
    # Supervision log
    # Practicum hours
    # Certification
    # Supervisor's home
]
