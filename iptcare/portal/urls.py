from django.urls import path

from iptcare.formulation.views import portal_homework
from iptcare.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-details/", views.details, name="details"),
    path("homework/", portal_homework, name="homework"),
    path("relationships/", views.relationships, name="relationships"),
    path("mood/", views.mood, name="mood"),
    path("documents/", views.documents, name="documents"),
    path("my-data/", views.my_data, name="my_data"),
    # The therapist's answer to a client's suggestion, posted from the inventory page.
    path(
        "suggestions/<id:suggestion_id>/decide/",
        views.suggestion_decide,
        name="suggestion_decide",
    ),
]
