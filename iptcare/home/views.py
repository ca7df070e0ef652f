from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from iptcare.audit.selectors import recent_entries
from iptcare.clinic.selectors import clinic_overview, supervisees_of
from iptcare.courses.selectors import notes_awaiting_cosignature
from iptcare.home.selectors import (
    DEFAULT_SORT,
    SORTS,
    active_caseload,
    caseload_rows,
    supervisees_clients,
)
from iptcare.measures.selectors import (
    escalated_flags_for_administrators,
    open_flags_for_supervisor,
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Each person's starting page; someone with several staff roles sees each section."""
    user = request.user
    if user.is_client and not user.is_clinic_staff:  # type: ignore[union-attr]
        return redirect("portal:home")
    context: dict[str, object] = {}
    if user.is_therapist:  # type: ignore[union-attr]
        sort = request.GET.get("sort", DEFAULT_SORT)
        sort = sort if sort in SORTS else DEFAULT_SORT
        rows = caseload_rows(active_caseload(user), clinic_id=user.clinic_id, sort=sort)  # type: ignore[union-attr]
        context.update(
            caseload=rows,
            sort=sort,
            sorts=SORTS,
            flagged=[row for row in rows if row.open_flags],
        )
    if user.is_supervisor:  # type: ignore[union-attr]
        context["supervisees"] = supervisees_of(user)  # type: ignore[arg-type]
        context["to_cosign"] = notes_awaiting_cosignature(user)  # type: ignore[arg-type]
        context["supervision_flags"] = open_flags_for_supervisor(user)  # type: ignore[arg-type]
        rows = caseload_rows(supervisees_clients(user), clinic_id=user.clinic_id)  # type: ignore[union-attr]
        context["not_on_track"] = [row for row in rows if row.not_on_track]
    if user.is_clinic_admin:  # type: ignore[union-attr]
        context["overview"] = clinic_overview(user.clinic_id)  # type: ignore[union-attr]
        context["recent_access"] = recent_entries(user.clinic_id, limit=8)  # type: ignore[union-attr]
        context["admin_escalations"] = escalated_flags_for_administrators(user.clinic_id)  # type: ignore[union-attr]
    return render(request, "home/index.html", context)
