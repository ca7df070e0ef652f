"""Supervision pages."""

from django.urls import path  # noqa: F401

from iptcare.supervision import views  # noqa: F401

app_name = "supervision"

urlpatterns = [
    # Review of notes
    # Fidelity
    path("fidelity/notes/<id:note_id>/", views.fidelity_note, name="fidelity_note"),
    path("fidelity/people/<id:supervisee_id>/", views.fidelity_person, name="fidelity_person"),
    path("fidelity/mine/", views.fidelity_mine, name="fidelity_mine"),
    path("fidelity/scales/", views.fidelity_scales, name="fidelity_scales"),
    # Supervision log
    # Practicum hours
    # Certification
    # Supervisor's home
]
