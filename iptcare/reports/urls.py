"""Report, letter, export and outcomes pages."""

from django.urls import path

from iptcare.reports import views

app_name = "reports"

urlpatterns = [
    # Treatment reports
    path("courses/<id:course_id>/", views.course_reports, name="course_reports"),
    path("treatment/<id:report_id>/", views.treatment_report, name="treatment_report"),
    path("treatment/<id:report_id>/cosign/", views.treatment_cosign, name="treatment_cosign"),
    path("treatment/<id:report_id>/pdf/", views.treatment_pdf, name="treatment_pdf"),
    # Consent and letters
    path("clients/<id:client_id>/consents/", views.consents, name="consents"),
    path("consents/<id:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("courses/<id:course_id>/letter/", views.letter_new, name="letter_new"),
    path("letters/<id:letter_id>/pdf/", views.letter_pdf, name="letter_pdf"),
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
    path("outcomes/", views.clinic_outcomes, name="clinic_outcomes"),
    path("outcomes.csv", views.clinic_outcomes_csv, name="clinic_outcomes_csv"),
    path("outcomes/courses/", views.outcome_courses, name="outcome_courses"),
]
