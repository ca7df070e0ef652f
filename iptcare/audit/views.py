from __future__ import annotations

import csv
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from iptcare.audit.forms import AccessSearchForm
from iptcare.audit.models import AccessEntry
from iptcare.audit.selectors import AccessQuery, access_entries_for, access_rows
from iptcare.audit.services import access_record, actor_from_request
from iptcare.core.access import administrator_required
from iptcare.core.http import AuthenticatedHttpRequest


def csv_columns(time_zone: str) -> list[str]:
    return [
        f"time ({time_zone}, with UTC offset)",
        "user",
        "user email",
        "acting role",
        "action",
        "times",
        "what",
        "client",
        "chart number",
        "object type",
        "object id",
        "detail",
        "ip",
        "request id",
    ]


def _query(request: HttpRequest) -> tuple[AccessSearchForm, AccessQuery | None]:
    data = request.GET.copy()
    if "chart_number" in data and "client" not in data:
        data["client"] = data.get("chart_number", "")  # the links and bookmarks of before
    form = AccessSearchForm(data or None)
    if not request.GET:
        return form, AccessQuery()
    if not form.is_valid():
        return form, None
    return form, AccessQuery(**form.cleaned_data)


@administrator_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, query = _query(request)
    clinic = request.user.home_clinic
    page = None
    if query is not None:
        entries = access_entries_for(clinic.pk, query, clinic.time_zone)
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "rows": access_rows(page.object_list) if page is not None else [],
            "export_query": request.GET.urlencode(),
        },
        status=200 if query is not None else 400,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection);
# OWASP's advice is a leading apostrophe, which shows the text as it was.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
_BYTE_ORDER_MARK = "\ufeff"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@administrator_required
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form, query = _query(request)
    if query is None:
        return render(request, "audit/search.html", {"form": form, "page": None}, status=400)
    clinic = request.user.home_clinic
    with transaction.atomic():
        access_record(
            actor=actor_from_request(request, "administrator"),
            action="export",
            client=None,
            object_type="audit.accessentry",
            detail=f"audit log CSV: {request.GET.urlencode()}"[:300],
        )
    entries = access_entries_for(clinic.pk, query, clinic.time_zone)
    zone = ZoneInfo(clinic.time_zone)
    writer = csv.writer(_Echo())

    def batches(size: int = 500) -> Iterator[list[AccessEntry]]:
        batch: list[AccessEntry] = []
        for entry in entries.iterator(chunk_size=2000):
            batch.append(entry)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    def rows() -> Iterator[str]:
        yield _BYTE_ORDER_MARK + writer.writerow(csv_columns(clinic.time_zone))
        for batch in batches():
            for row in access_rows(batch):
                entry = row.entry
                yield writer.writerow(
                    [
                        _cell(value)
                        for value in (
                            entry.at.astimezone(zone).isoformat(sep=" ", timespec="seconds"),
                            row.who,
                            entry.user.email if entry.user else "",
                            row.role,
                            row.action,
                            entry.times,
                            row.what,
                            entry.client.display_name if entry.client else "",
                            entry.client.chart_number if entry.client else "",
                            entry.object_type,
                            entry.object_id,
                            entry.detail,
                            entry.ip or "",
                            entry.request_id,
                        )
                    ]
                )

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return StreamingHttpResponse(
        rows(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="access-log-{stamp}.csv"'},
    )
