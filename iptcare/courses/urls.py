from django.urls import path

from iptcare.courses import views

app_name = "courses"

urlpatterns = [
    path("new/", views.course_new, name="new"),
    path("settings/", views.course_settings, name="settings"),
    path("client/<id:client_id>/", views.client_courses, name="client_courses"),
    path("<id:course_id>/", views.course_detail, name="detail"),
    path("<id:course_id>/extend/", views.course_extend, name="extend"),
    path("<id:course_id>/end/", views.course_end, name="end"),
    path("<id:course_id>/notes/new/", views.note_new, name="note_new"),
    path("<id:course_id>/notes/<id:note_id>/", views.note_detail, name="note"),
    path("<id:course_id>/notes/<id:note_id>/autosave/", views.note_autosave, name="note_autosave"),
    path("<id:course_id>/notes/<id:note_id>/sign/", views.note_sign, name="note_sign"),
    path("<id:course_id>/notes/<id:note_id>/amend/", views.note_amend, name="note_amend"),
]
