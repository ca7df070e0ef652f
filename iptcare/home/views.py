from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from iptcare.audit.selectors import recent_entries
from iptcare.clients.selectors import caseload_for
from iptcare.clinic.selectors import clinic_overview, supervisees_of


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Each person's starting page; someone with several staff roles sees each section."""
    user = request.user
    if user.is_client and not user.is_clinic_staff:  # type: ignore[union-attr]
        return redirect("portal:home")
    context: dict[str, object] = {}
    if user.is_therapist:  # type: ignore[union-attr]
        context["caseload"] = caseload_for(user)  # type: ignore[arg-type]
    if user.is_supervisor:  # type: ignore[union-attr]
        context["supervisees"] = supervisees_of(user)  # type: ignore[arg-type]
    if user.is_clinic_admin:  # type: ignore[union-attr]
        context["overview"] = clinic_overview(user.clinic_id)  # type: ignore[union-attr]
        context["recent_access"] = recent_entries(user.clinic_id, limit=8)  # type: ignore[union-attr]
    return render(request, "home/index.html", context)
