from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from iptcare.api.urls import api
from iptcare.core import health
from iptcare.core.converters import RowIdConverter

register_converter(RowIdConverter, "id")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="home:index"), name="root"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("iptcare.accounts.urls")),
    path("home/", include("iptcare.home.urls")),
    path("clients/", include("iptcare.clients.urls")),
    path("clinic/", include("iptcare.clinic.urls")),
    path("audit/", include("iptcare.audit.urls")),
    path("portal/", include("iptcare.portal.urls")),
    path("api/v1/", api.urls),
]

handler400 = "iptcare.core.errors.bad_request"
handler403 = "iptcare.core.errors.permission_denied"
handler404 = "iptcare.core.errors.page_not_found"
handler500 = "iptcare.core.errors.server_error"
