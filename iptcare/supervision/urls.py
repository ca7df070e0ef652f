"""Supervision pages."""

from django.urls import path

from iptcare.supervision import views

app_name = "supervision"

urlpatterns = [
    # Review of notes
    path("notes/<id:course_id>/<id:note_id>/review/", views.note_review, name="note_review"),
    path("notes/<id:course_id>/<id:note_id>/versions/", views.note_versions, name="note_versions"),
    # Fidelity
    path("fidelity/notes/<id:note_id>/", views.fidelity_note, name="fidelity_note"),
    path("fidelity/people/<id:supervisee_id>/", views.fidelity_person, name="fidelity_person"),
    path("fidelity/mine/", views.fidelity_mine, name="fidelity_mine"),
    path("fidelity/scales/", views.fidelity_scales, name="fidelity_scales"),
    # Supervision log
    path("log/", views.log, name="log"),
    path("log/new/", views.log_new, name="log_new"),
    path("log/<id:meeting_id>/edit/", views.log_edit, name="log_edit"),
    path("log/actions/<id:action_id>/done/", views.log_action_done, name="log_action_done"),
    # Practicum hours
    path("hours/", views.hours, name="hours"),
    path("hours/<id:supervisee_id>/", views.hours_of, name="hours_of"),
    path("hours/<id:supervisee_id>/sign-off/", views.hours_sign_off, name="hours_sign_off"),
    path("hours/<id:supervisee_id>/hours.csv", views.hours_csv, name="hours_csv"),
    path("hours/<id:supervisee_id>/hours.pdf", views.hours_pdf, name="hours_pdf"),
    path("hours/sessions/<id:note_id>/adjust/", views.hours_adjust, name="hours_adjust"),
    # Certification
    path("certification/<id:supervisee_id>/", views.certification_progress, name="certification"),
    # Supervisor's home
    path("", views.overview, name="overview"),
]
