"""Pages of one course, mounted at /courses/<id:course_id>/ (every view gets course_id)."""

from django.urls import path

from iptcare.formulation import views

app_name = "formulation"

urlpatterns = [
    path("inventory/", views.inventory, name="inventory"),
    path("inventory/people/new/", views.person_create, name="person_create"),
    path("inventory/people/<id:person_id>/", views.person_edit, name="person_edit"),
    path("inventory/people/<id:person_id>/archive/", views.person_archive, name="person_archive"),
    path("inventory/snapshots/", views.snapshot_take, name="snapshot_take"),
    path("inventory/compare/", views.inventory_compare, name="inventory_compare"),
    path("timeline/", views.timeline, name="timeline"),
    path("timeline/events/new/", views.event_create, name="event_create"),
    path("timeline/events/<id:event_id>/", views.event_edit, name="event_edit"),
    path("timeline/events/<id:event_id>/archive/", views.event_archive, name="event_archive"),
    path("timeline/episodes/new/", views.episode_create, name="episode_create"),
    path("timeline/episodes/<id:episode_id>/", views.episode_edit, name="episode_edit"),
    path(
        "timeline/episodes/<id:episode_id>/archive/",
        views.episode_archive,
        name="episode_archive",
    ),
    path("formulation/", views.formulation, name="formulation"),
    path("formulation/edit/", views.formulation_edit, name="formulation_edit"),
    path("formulation/focus-areas/new/", views.focus_area_create, name="focus_area_create"),
    path("formulation/focus-areas/<id:focus_id>/", views.focus_area_edit, name="focus_area_edit"),
    path(
        "formulation/focus-areas/<id:focus_id>/remove/",
        views.focus_area_remove,
        name="focus_area_remove",
    ),
    path("focus/", views.focus, name="focus"),
    path("focus/grief/", views.grief, name="grief"),
    path("focus/role-dispute/", views.role_dispute, name="role_dispute"),
    path("focus/role-dispute/stage/", views.dispute_stage, name="dispute_stage"),
    path("focus/role-transition/", views.role_transition, name="role_transition"),
    path("focus/interpersonal/", views.deficits, name="deficits"),
    path("analyses/new/", views.analysis_create, name="analysis_create"),
    path("analyses/<id:analysis_id>/", views.analysis, name="analysis"),
    path("analyses/<id:analysis_id>/roleplay/", views.analysis_roleplay, name="analysis_roleplay"),
    path("roleplays/new/", views.roleplay_create, name="roleplay_create"),
    path("roleplays/<id:roleplay_id>/", views.roleplay, name="roleplay"),
    path("homework/", views.homework, name="homework"),
    path("homework/new/", views.homework_create, name="homework_create"),
    path("homework/<id:homework_id>/", views.homework_edit, name="homework_edit"),
    path("termination/", views.termination, name="termination"),
]
