from django.urls import path

from iptcare.home import views

app_name = "home"

urlpatterns = [path("", views.index, name="index")]
