from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse


def _nav_for(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    items: list[tuple[str, str]] = []
    if not user.is_authenticated:
        return items
    if user.is_client:
        return [("Home", reverse("portal:home")), ("My details", reverse("portal:details"))]
    items.append(("Home", reverse("home:index")))
    if user.is_clinic_staff:
        items.append(("Clients", reverse("clients:list")))
    if user.is_clinic_admin:
        items += [
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
    current = request.path
    nav = [
        {
            "label": label,
            "url": url,
            "current": current == url
            or (url != "/" and current.startswith(url) and url not in ("/home/", "/portal/")),
        }
        for label, url in _nav_for(user)
    ]
    return {
        "clinic": clinic,
        "nav": nav,
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
