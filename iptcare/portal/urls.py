from django.urls import path

from iptcare.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-details/", views.details, name="details"),
]
