from django.urls import path

from iptcare.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<id:pk>/", views.client_detail, name="detail"),
    path("<id:pk>/edit/", views.client_edit, name="edit"),
    path("<id:pk>/record/", views.client_record, name="record"),
    path("<id:pk>/break-glass/", views.client_break_glass, name="break_glass"),
    path("<id:pk>/invite/", views.client_invite, name="invite"),
]
