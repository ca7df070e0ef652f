"""Report, letter, export and outcomes pages."""

from django.urls import path  # noqa: F401

from iptcare.reports import views  # noqa: F401

app_name = "reports"

urlpatterns = [
    # Treatment reports
    # Consent and letters
    # FHIR export
    path("fhir-exports/", views.fhir_exports, name="fhir_exports"),
    path(
        "fhir-exports/<int:export_id>/progress/",
        views.fhir_export_progress,
        name="fhir_export_progress",
    ),
    path(
        "fhir-exports/<int:export_id>/download/",
        views.fhir_export_download,
        name="fhir_export_download",
    ),
    # Clinic outcomes
]
