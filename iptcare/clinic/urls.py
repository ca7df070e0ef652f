from django.urls import path

from iptcare.clinic import views

app_name = "clinic"

urlpatterns = [
    path("staff/", views.staff_list, name="staff"),
    path("staff/invite/", views.staff_invite_view, name="staff_invite"),
    path("settings/", views.clinic_settings, name="settings"),
]
