from django.urls import path

from iptcare.intake import views

app_name = "intake"

urlpatterns = [
    # Public pages: no login.
    path("", views.home, name="root"),
    path("about-ipt/", views.about, name="about"),
    path("therapists/", views.therapists, name="therapists"),
    path("fees/", views.fees, name="fees"),
    path("contact/", views.contact, name="contact"),
    path("get-started/", views.request_form, name="request"),
    path("get-started/thank-you/", views.request_thanks, name="request_thanks"),
    path("site/theme.css", views.theme_css, name="theme_css"),
    path("site/logo", views.logo, name="logo"),
    # Administrators.
    path("intake/", views.queue, name="queue"),
    path("intake/<id:request_id>/", views.request_detail, name="request_detail"),
    path("intake/<id:request_id>/status/", views.request_status, name="request_status"),
    path("intake/<id:request_id>/note/", views.request_note, name="request_note"),
    path("intake/<id:request_id>/convert/", views.request_convert, name="request_convert"),
    path("intake/public-site/", views.site_edit, name="site_edit"),
    # The client, and the care team.
    path("intake/my-reflection/", views.my_reflection, name="my_reflection"),
    path("intake/reflections/<id:client_id>/", views.reflection_detail, name="reflection"),
]
