from django.urls import path
from django.views.generic import RedirectView

app_name = "intake"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="home:index"), name="root"),
]
