from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from iptcare.audit.selectors import recent_entries
from iptcare.clinic.selectors import clinic_overview
from iptcare.core.http import AuthenticatedHttpRequest
from iptcare.courses.selectors import clinic_today
from iptcare.home.selectors import (
    DEFAULT_SORT,
    SORTS,
    active_caseload,
    caseload_rows,
    supervisor_home,
)
from iptcare.measures.selectors import (
    escalated_flags_for_administrators,
    open_flags_for_supervisor,
)


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person's starting page; someone with several staff roles sees each section."""
    user = request.user
    if user.is_client and not user.is_clinic_staff:
        return redirect("portal:home")
    context: dict[str, object] = {}
    if user.is_therapist:
        sort = request.GET.get("sort", DEFAULT_SORT)
        sort = sort if sort in SORTS else DEFAULT_SORT
        rows = caseload_rows(active_caseload(user), clinic_id=user.home_clinic_id, sort=sort)
        context.update(
            caseload=rows,
            sort=sort,
            sorts=SORTS,
            flagged=[row for row in rows if row.open_flags],
        )
    if user.is_supervisor:
        context["supervision"] = supervisor_home(
            user, now=timezone.now(), today=clinic_today(user.home_clinic)
        )
        context["supervision_flags"] = open_flags_for_supervisor(user)
    if user.is_clinic_admin:
        context["overview"] = clinic_overview(user.home_clinic_id)
        context["recent_access"] = recent_entries(user.home_clinic_id, limit=8)
        context["admin_escalations"] = escalated_flags_for_administrators(user.home_clinic_id)
    return render(request, "home/index.html", context)
