"""One way to write dates and times for people (issue 10, item 11): iptcare.core.dates and
its filters (`|day`, `|when`, `|clock`, ...). A template or a people-facing Python module
that writes its own format fails here; machine formats (ISO in form values, URLs and CSV,
file-name stamps) and text not written for pages are listed below, each with its reason.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core import mail

from conftest import Cast
from iptcare.accounts.services import client_portal_invite
from iptcare.audit.services import Actor
from iptcare.measures import charts

PACKAGE = Path(__file__).resolve().parents[2]
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".ics", ".svg"}

# Django's own date writing in a template: |date, |time (with or without a format), {% now %}.
TEMPLATE_DATE = re.compile(r"\|\s*(?:date|time)\b(?:\s*:\s*(?:\"[^\"]*\"|'[^']*'))?|\{%\s*now\b")
# (template under a templates/ folder, the exact use, why it is not for reading)
TEMPLATE_ALLOWED = {
    ("scheduling/appointment.html", "|date:'Y-m-d'"): "the week in the schedule link's URL",
    ("scheduling/schedule.html", "|date:'Y-m-d'"): "the value of a type=date input",
    ("intake/public/base.html", "|date:'U'"): "a cache-busting number in a URL",
    ("intake/request_detail.html", "|date:'c'"): "the machine datetime of a <time> element",
    ("audit/search.html", '|date:"Y-m-d H:i:s"'): (
        "the audit log: exact to the second and sortable (iptcare/audit is another's work; "
        "see the report of issue 10)"
    ),
}

# Python writing a date itself: strftime, a %-directive in an f-string or a format string,
# month names spelled out, Django's date_format/time_format/dateformat.
PYTHON_DATE = re.compile(
    r"strftime\(|\{[^{}\n]*:%[A-Za-z][^{}\n]*\}|[\"']%[A-Za-z][^\"'\n]*%[A-Za-z][^\"'\n]*[\"']"
    r"|\bJan Feb\b|\bJanuary February\b|\b(?:date_format|time_format|dateformat\.format)\("
)
# The one place, and the format module that says the same in Django's syntax (a test keeps
# the two in step).
PYTHON_EXEMPT = {"core/dates.py", "formats/en_CA/formats.py"}
MACHINE_INPUT = "an HTML date or time input's value (ISO, not for reading)"
NOT_A_PAGE = "a model's __str__: for developers and logs (the admin site is not used)"
# (module under iptcare/, the exact use, why it is not for reading)
PYTHON_ALLOWED = {
    ("core/forms.py", '"%Y-%m-%d"'): MACHINE_INPUT,
    ("courses/forms.py", '"%Y-%m-%d"'): MACHINE_INPUT,
    ("clients/forms.py", '"%Y-%m-%d"'): MACHINE_INPUT,
    ("formulation/forms.py", '"%Y-%m-%d"'): MACHINE_INPUT,
    ("intake/forms.py", '"%Y-%m-%d"'): MACHINE_INPUT,
    ("scheduling/forms.py", '"%Y-%m-%d"'): MACHINE_INPUT,
    ("scheduling/forms.py", '"%H:%M"'): MACHINE_INPUT,
    ("audit/views.py", "strftime("): "the CSV export's file-name stamp",
    ("audit/views.py", '"%Y%m%d-%H%M"'): "the CSV export's file-name stamp",
    ("formulation/services.py", "{changed_on:%Y-%m-%d}"): "an audit entry's detail (ISO day)",
    ("scheduling/services.py", "{slot.starts_at:%Y-%m-%d %H:%M}"): (
        "an audit entry's detail (ISO, in UTC as it says)"
    ),
    ("measures/management/commands/bench_caseload.py", "{timezone.now():%Y-%m-%d %H:%M}"): (
        "the benchmark's run stamp in docs/performance.md, for developers"
    ),
    ("reports/management/commands/bench_outcomes.py", "{timezone.now():%Y-%m-%d %H:%M}"): (
        "the benchmark's run stamp in docs/performance.md, for developers"
    ),
    ("reports/management/commands/bench_reports.py", "{timezone.now():%Y-%m-%d %H:%M}"): (
        "the benchmark's run stamp in docs/performance.md, for developers"
    ),
    ("audit/models.py", "{self.at:%Y-%m-%d %H:%M}"): NOT_A_PAGE,
    ("clients/models.py", "{self.created_at:%Y-%m-%d %H:%M}"): NOT_A_PAGE,
    ("courses/models.py", "{self.at:%Y-%m-%d %H:%M}"): NOT_A_PAGE,
    ("formulation/models.py", "{self.created_at:%Y-%m-%d}"): NOT_A_PAGE,
    ("intake/models.py", "{self.at:%Y-%m-%d %H:%M}"): NOT_A_PAGE,
    ("scheduling/models.py", "{self.starts_at:%Y-%m-%d %H:%M}"): NOT_A_PAGE,
    ("scheduling/models.py", "{self.starts:%H:%M}"): NOT_A_PAGE,
    ("scheduling/models.py", "{self.ends:%H:%M}"): NOT_A_PAGE,
}


def _templates() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in TEMPLATE_SUFFIXES or "templates" not in path.parts:
            continue
        parts = path.parts
        inside = parts[len(parts) - parts[::-1].index("templates") :]
        found.append(("/".join(inside), path))
    return found


def _python_modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{name}" or "/migrations/" in name or name in PYTHON_EXEMPT:
            continue
        found.append((name, path))
    return found


def _uses(pattern: re.Pattern[str], files: list[tuple[str, Path]]) -> list[tuple[str, str, int]]:
    uses: list[tuple[str, str, int]] = []
    for name, path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            uses.extend((name, match.group(0), number) for match in pattern.finditer(line))
    return uses


def test_templates_write_dates_and_times_only_through_the_date_filters() -> None:
    templates = _templates()
    assert len(templates) > 100, "the scan found the templates"
    own = [
        f"{name}:{line}: {use}  → use |day, |day_short, |weekday, |when, |stamp or |clock"
        for name, use, line in _uses(TEMPLATE_DATE, templates)
        if (name, use) not in TEMPLATE_ALLOWED
    ]
    assert not own, "\n".join(own)


def test_python_writes_dates_for_people_only_through_core_dates() -> None:
    modules = _python_modules()
    assert len(modules) > 100, "the scan found the modules"
    own = [
        f"{name}:{line}: {use}  → use iptcare.core.dates (day, day_short, when, stamp, clock...)"
        for name, use, line in _uses(PYTHON_DATE, modules)
        if (name, use) not in PYTHON_ALLOWED
    ]
    assert not own, "\n".join(own)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('{{ x|date:"j M" }}', True),
        ("{{ x|date }}", True),
        ("{{ x | time:'H:i' }}", True),
        ('{% now "Y" %}', True),
        ("{{ x|day_short }} {{ x|clock }} {{ x|timesince }}", False),
        ('f"{moment:%d %b}"', True),
        ('moment.strftime("%d")', True),
        ("'Jan Feb Mar'", True),
        ('f"{dates.day_short(moment)}"', False),
    ],
)
def test_the_scan_catches_a_date_written_by_hand(text: str, found: bool) -> None:
    pattern = TEMPLATE_DATE if "{{" in text or "{%" in text else PYTHON_DATE
    assert bool(pattern.search(text)) is found


def test_charts_write_their_days_as_core_dates_does() -> None:
    chart = charts.build_chart(
        "phq9",
        [
            charts.ChartPoint(datetime(2026, 8, 4).date(), 16, 1),
            charts.ChartPoint(datetime(2026, 9, 1).date(), 9, 5),
        ],
    )
    assert chart.description.startswith("PHQ-9: 2 scores from 4 Aug to 1 Sep")


def test_the_invitation_email_gives_the_expiry_day_of_the_clinic(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    # 06:00 UTC on 4 August is 23:00 on 3 August in Vancouver: the link, valid 7 days,
    # expires on 10 August there, though the server's clock (UTC) says the 11th.
    client = cast.clients["other"]
    client.email = "olga@lakeshore.test"
    client.save(update_fields=["email"])
    admin = Actor(user=cast.users["other_admin"], role="administrator")
    with (
        time_machine.travel(datetime(2026, 8, 4, 6, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client_portal_invite(actor=admin, client=client)
    body = str(mail.outbox[-1].body)
    assert "expires on 10 August 2026." in body, body
