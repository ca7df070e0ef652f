"""Report, letter, export and outcomes pages."""

from django.urls import path  # noqa: F401

from iptcare.reports import views  # noqa: F401

app_name = "reports"

urlpatterns = [
    # Treatment reports
    # Consent and letters
    # FHIR export
    # Clinic outcomes
    path("outcomes/", views.clinic_outcomes, name="clinic_outcomes"),
    path("outcomes.csv", views.clinic_outcomes_csv, name="clinic_outcomes_csv"),
    path("outcomes/courses/", views.outcome_courses, name="outcome_courses"),
]
