from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from iptcare.audit.models import AccessEntry


@dataclass(frozen=True)
class AccessQuery:
    chart_number: str = ""
    user_email: str = ""
    date_from: date | None = None
    date_to: date | None = None


def access_entries_for(
    clinic_id: int, query: AccessQuery, time_zone: str = "UTC"
) -> QuerySet[AccessEntry]:
    """The clinic's access log filtered by client, user and (clinic-local) date range."""
    tz = ZoneInfo(time_zone)
    entries = AccessEntry.objects.filter(clinic_id=clinic_id).select_related("user", "client")
    if query.chart_number:
        entries = entries.filter(client__chart_number__iexact=query.chart_number.strip())
    if query.user_email:
        entries = entries.filter(user__email__iexact=query.user_email.strip())
    if query.date_from:
        entries = entries.filter(at__gte=datetime.combine(query.date_from, time.min, tzinfo=tz))
    if query.date_to:
        end = datetime.combine(query.date_to + timedelta(days=1), time.min, tzinfo=tz)
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-pk")


def recent_entries(clinic_id: int, limit: int = 10) -> list[AccessEntry]:
    return list(
        AccessEntry.objects.filter(clinic_id=clinic_id)
        .select_related("user", "client")
        .order_by("-at", "-pk")[:limit]
    )
