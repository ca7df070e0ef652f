from django.urls import path

from iptcare.clinic import views

app_name = "clinic"

urlpatterns = [
    path("staff/", views.staff_list, name="staff"),
    path("staff/invite/", views.staff_invite_view, name="staff_invite"),
    path(
        "staff/<int:user_id>/two-factor/reset/",
        views.staff_two_factor_reset,
        name="staff_two_factor_reset",
    ),
    path("staff/<int:user_id>/", views.staff_detail, name="staff_detail"),
    path(
        "staff/<int:user_id>/supervision/add/",
        views.supervision_link_add,
        name="supervision_link_add",
    ),
    path(
        "staff/<int:user_id>/supervision/<int:link_id>/end/",
        views.supervision_link_end,
        name="supervision_link_end",
    ),
    path("settings/", views.clinic_settings, name="settings"),
]
