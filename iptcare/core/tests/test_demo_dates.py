"""Dates for people read "4 August 2026": the formats, and every main page of the demo clinic
scanned for a zero-padded day on a day of the month below 10."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import engines
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.clinic.demo import DEMO_CLINIC_NAME, demo_load
from iptcare.clinic.models import Clinic
from iptcare.core import dates
from iptcare.courses.models import Course, SessionNote
from iptcare.intake.models import IntakeRequest
from iptcare.measures.models import QuestionnaireResponse, RiskFlag
from iptcare.scheduling.models import Appointment, Invoice
from iptcare.scheduling.receipts import receipt_html

TORONTO = ZoneInfo("America/Toronto")
MONTH_NAMES = "|".join(dates.MONTHS + [m[:3] for m in dates.MONTHS])
ZERO_PADDED = re.compile(rf"\b0[1-9] (?:{MONTH_NAMES})\b")
# A Thursday whose day is below 10, so today's date on the pages would show any padding.
PINNED = datetime(2027, 3, 4, 15, 0, tzinfo=UTC)


# --- The formats -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("write", "value", "expected"),
    [
        (dates.day, date(2026, 8, 4), "4 August 2026"),
        (dates.day_short, date(2026, 8, 4), "4 Aug 2026"),
        (dates.weekday, date(2026, 8, 4), "Tuesday 4 August 2026"),
        (dates.weekday_short, date(2026, 8, 4), "Tue 4 Aug 2026"),
        (dates.day_month, date(2026, 8, 4), "4 Aug"),
        (dates.month, date(2026, 8, 4), "Aug 2026"),
        (dates.when, datetime(2026, 12, 7, 10, 0, tzinfo=TORONTO), "Mon 7 Dec, 10:00 a.m."),
        (dates.stamp, datetime(2026, 12, 7, 13, 5, tzinfo=TORONTO), "7 Dec 2026, 1:05 p.m."),
        (dates.clock, time(0, 30), "12:30 a.m."),
        (dates.clock, time(12, 0), "12:00 p.m."),
        (
            dates.weekday_at,
            datetime(2027, 1, 1, 9, 0, tzinfo=TORONTO),
            "Friday 1 January 2027 at 9:00 a.m.",
        ),
    ],
)
def test_each_format_reads_as_the_clinic_writes_it(write, value, expected) -> None:
    assert write(value) == expected


def test_an_aware_time_is_written_in_the_zone_asked_for() -> None:
    moment = datetime(2027, 1, 1, 4, 30, tzinfo=UTC)  # 11:30 p.m. on 31 December in Toronto
    assert dates.weekday_at(moment, TORONTO) == "Thursday 31 December 2026 at 11:30 p.m."
    assert dates.day(moment) == "1 January 2027"


def test_the_filters_and_djangos_own_formats_write_the_same() -> None:
    moment = datetime(2027, 3, 4, 14, 5, tzinfo=UTC)
    page = engines["django"].from_string(
        "{{ d }}|{{ d|day }}|{{ d|date }}|{{ d|date:'SHORT_DATE_FORMAT' }}|{{ d|day_short }}|"
        "{{ m }}|{{ m|stamp }}|{{ m|time }}|{{ m|clock }}|{{ m|when }}|{{ m|weekday }}|"
        "{{ 'not a date'|day }}|{{ nothing|when }}|{{ d|when }}"
    )
    with timezone.override(TORONTO):
        out = page.render({"d": date(2027, 3, 4), "m": moment, "nothing": None}).split("|")
    assert out == [
        "4 March 2027",
        "4 March 2027",
        "4 March 2027",
        "4 Mar 2027",
        "4 Mar 2027",
        "4 Mar 2027, 9:05 a.m.",
        "4 Mar 2027, 9:05 a.m.",
        "9:05 a.m.",
        "9:05 a.m.",
        "Thu 4 Mar, 9:05 a.m.",
        "Thursday 4 March 2027",
        "",
        "",
        "",
    ]


# --- Every main page, with the clock on the 4th ------------------------------------------


def _pages_of_staff(clinic: Clinic) -> list[str]:
    courses = list(Course.objects.filter(client__clinic=clinic).order_by("pk")[:4])
    urls = [
        reverse("home:index"),
        reverse("clients:list"),
        reverse("scheduling:schedule"),
        reverse("scheduling:schedule") + f"?week={PINNED.date() - timedelta(weeks=2)}",
        reverse("scheduling:availability"),
        reverse("scheduling:invoices"),
        reverse("scheduling:calendar_feed"),
        reverse("intake:queue"),
        reverse("audit:search"),
    ]
    for course in courses:
        urls += [
            reverse("clients:detail", args=[course.client_id]),
            reverse("clients:record", args=[course.client_id]),
            reverse("courses:client_courses", args=[course.client_id]),
            reverse("courses:detail", args=[course.pk]),
            reverse("measures:course", args=[course.pk]),
            reverse("scheduling:client_appointments", args=[course.client_id]),
        ]
        urls += [
            reverse(f"formulation:{page}", kwargs={"course_id": course.pk})
            for page in (
                "inventory",
                "inventory_compare",
                "timeline",
                "formulation",
                "focus",
                "homework",
                "termination",
            )
        ]
    for note in SessionNote.objects.filter(course__in=courses).order_by("pk")[:6]:
        urls.append(reverse("courses:note", args=[note.course_id, note.pk]))
    for response in QuestionnaireResponse.objects.filter(course__in=courses).order_by("pk")[:4]:
        urls.append(reverse("measures:response", args=[response.pk]))
    for flag in RiskFlag.objects.filter(course__client__clinic=clinic).order_by("pk")[:3]:
        urls.append(reverse("measures:flag", args=[flag.pk]))
    for appointment in Appointment.objects.filter(clinic=clinic).order_by("pk")[:6]:
        urls.append(reverse("scheduling:appointment", args=[appointment.pk]))
    for invoice in Invoice.objects.filter(clinic=clinic).order_by("pk")[:3]:
        urls.append(reverse("scheduling:invoice", args=[invoice.pk]))
    for request in IntakeRequest.objects.filter(clinic=clinic).order_by("pk")[:3]:
        urls.append(reverse("intake:request_detail", args=[request.pk]))
    return urls


CLIENT_PAGES = [
    "portal:home",
    "portal:details",
    "portal:homework",
    "portal:relationships",
    "portal:mood",
    "portal:documents",
    "portal:my_data",
    "scheduling:my_appointments",
    "scheduling:my_receipts",
    "measures:my",
    "intake:my_reflection",
]


def _scan(browser: HttpClient, url: str, found: dict[str, str]) -> bool:
    response = browser.get(url)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return False
    found[url] = response.content.decode()
    return True


@pytest.mark.django_db
def test_no_page_of_the_demo_clinic_writes_a_zero_padded_day() -> None:
    with time_machine.travel(PINNED, tick=False):
        demo_load()
        clinic = Clinic.objects.get(name=DEMO_CLINIC_NAME)
        pages: dict[str, str] = {}
        opened = 0
        for user in User.objects.filter(clinic=clinic, is_active=True).order_by("pk"):
            browser = HttpClient()
            browser.force_login(user)
            if user.is_client:
                urls = [reverse(name) for name in CLIENT_PAGES]
            else:
                urls = _pages_of_staff(clinic)
            opened += sum(_scan(browser, url, pages) for url in urls)
        for invoice in Invoice.objects.filter(clinic=clinic).order_by("pk")[:3]:
            pages[f"receipt {invoice.number}"] = receipt_html(invoice)

    assert opened > 100, "the scan should open the demo's pages, not their login redirects"
    padded = {url: ZERO_PADDED.findall(html) for url, html in pages.items()}
    assert {url: found for url, found in padded.items() if found} == {}
    # The scan means something: today (the 4th) is on the schedule, unpadded.
    schedule = pages[reverse("scheduling:schedule")]
    assert "Thursday 4 March 2027" in schedule
