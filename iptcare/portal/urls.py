from django.contrib.auth.decorators import login_required
from django.urls import path

from iptcare.formulation.views import portal_homework
from iptcare.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-details/", views.details, name="details"),
    path("homework/", login_required(portal_homework), name="homework"),
]
