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
    path("settings/", views.clinic_settings, name="settings"),
]
