from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from iptcare.accounts import rules as roles
from iptcare.accounts.middleware import two_factor_step_for


def _nav_for(user) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if not user.is_authenticated or two_factor_step_for(user) is not None:
        return items  # no way round the sign-in's second step
    if roles.is_client(user):
        return [
            ("Home", reverse("portal:home")),
            ("Appointments", reverse("scheduling:my_appointments")),
            ("Questionnaires", reverse("measures:my")),
            ("My tasks", reverse("portal:homework")),
        ]
    items.append(("Home", reverse("home:index")))
    if roles.is_clinic_staff(user):
        items.append(("Clients", reverse("clients:list")))
        items.append(("Schedule", reverse("scheduling:schedule")))
        items.append(("Supervision", reverse("supervision:overview")))
    if roles.is_clinic_admin(user):
        items += [
            ("Intake", reverse("intake:queue")),
            ("Invoices", reverse("scheduling:invoices")),
            ("Staff", reverse("clinic:staff")),
            ("Audit log", reverse("audit:search")),
            ("Clinic settings", reverse("clinic:settings")),
        ]
    return items


def clinic_context(request: HttpRequest) -> dict[str, object]:
    # Error pages can render before the auth middleware ran: no request.user then.
    user = getattr(request, "user", None)
    if user is None:
        return {"clinic": None, "nav": [], "csp_nonce": ""}
    clinic = getattr(user, "clinic", None) if user.is_authenticated else None
    return {
        "clinic": clinic,
        # Built when a template shows it: pages without the site navigation (the
        # hand-the-device questionnaire) skip the URL reversing.
        "nav": SimpleLazyObject(lambda: _nav(request, user)),
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }


def _nav(request: HttpRequest, user) -> list[dict[str, object]]:
    items = _nav_for(user)
    # The current page is the item whose address is the longest prefix of this one.
    matches = [url for _, url in items if request.path.startswith(url)]
    current = max(matches, key=len, default=None)
    return [{"label": label, "url": url, "current": url == current} for label, url in items]
