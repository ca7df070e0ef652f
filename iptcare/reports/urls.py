"""Report, letter, export and outcomes pages."""

from django.urls import path  # noqa: F401

from iptcare.reports import views  # noqa: F401

app_name = "reports"

urlpatterns = [
    # Treatment reports
    # Consent and letters
    # FHIR export
    # Clinic outcomes
]
