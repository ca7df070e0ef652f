from django.urls import include, path, register_converter

from iptcare.api.urls import api
from iptcare.core import health
from iptcare.core.converters import RowIdConverter

register_converter(RowIdConverter, "id")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("iptcare.accounts.urls")),
    path("home/", include("iptcare.home.urls")),
    path("clients/", include("iptcare.clients.urls")),
    path("clinic/", include("iptcare.clinic.urls")),
    path("audit/", include("iptcare.audit.urls")),
    path("portal/", include("iptcare.portal.urls")),
    path("courses/", include("iptcare.courses.urls")),
    path("courses/<id:course_id>/", include("iptcare.formulation.urls")),
    path("measures/", include("iptcare.measures.urls")),
    path("scheduling/", include("iptcare.scheduling.urls")),
    path("supervision/", include("iptcare.supervision.urls")),
    path("reports/", include("iptcare.reports.urls")),
    path("api/v1/", api.urls),
    # Public pages (home, about IPT, therapists, fees, intake, booking) come last.
    path("", include("iptcare.intake.urls")),
]

handler400 = "iptcare.core.errors.bad_request"
handler403 = "iptcare.core.errors.permission_denied"
handler404 = "iptcare.core.errors.page_not_found"
handler500 = "iptcare.core.errors.server_error"
