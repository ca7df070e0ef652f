from django.urls import path

from iptcare.measures import views

app_name = "measures"

urlpatterns = [
    # The client's portal pages.
    path("my/", views.my_measures, name="my"),
    path("my/<slug:code>/", views.my_answer, name="my_answer"),
    path("my/<slug:code>/save/", views.my_save, name="my_save"),
    # The care team's pages.
    path("course/<id:course_id>/", views.course_page, name="course"),
    path("course/<id:course_id>/plan/", views.plan_page, name="plan"),
    path("course/<id:course_id>/give/<slug:code>/", views.administer, name="administer"),
    path("handover/end/", views.handover_leave, name="handover_end"),
    path("response/<id:response_id>/", views.response_page, name="response"),
    path("flag/<id:flag_id>/", views.flag_page, name="flag"),
    # The clinic administrator's choice of questionnaires.
    path("instruments/", views.instruments_page, name="instruments"),
]
