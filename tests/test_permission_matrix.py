"""Every URL, as every kind of person, answers as the permission rules say.

A URL without an expectation fails the test, so new pages must join the matrix: the
foundation's pages are listed here, each app's own in `iptcare/<app>/tests/permissions.py`
(see tests/matrix.py). Object pages are tried on two records: one looked after by
therapist@ (and owned by client@), one looked after by the practicum student (so their
supervisor sees it too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from html.parser import HTMLParser
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import Cast, ensure_cast
from iptcare.clients.models import Client
from iptcare.courses.selectors import clinic_today
from iptcare.measures.handover import SESSION_KEY as HANDOVER
from tests import factories
from tests.matrix import (
    CLIENTS,
    ROLES,
    STAFF,
    ClientPage,
    Expectation,
    admin_page,
    anyone,
    api_auth,
    api_record,
    client_page,
    logged_in,
    record_page,
    staff_page,
)

FOUNDATION: dict[str, Expectation] = {
    "healthz": anyone(200),
    "readyz": anyone(200),
    "accounts:login": lambda role, target: 200 if role is None else 302,
    "accounts:logout": anyone(405),
    "accounts:password_reset": anyone(200),
    "accounts:password_reset_done": anyone(200),
    "accounts:password_reset_confirm": anyone(200),
    "accounts:password_reset_complete": anyone(200),
    "accounts:invitation_accept": anyone(410),
    "accounts:two_factor": logged_in(staff_page),
    "accounts:two_factor_setup": logged_in(staff_page),
    # Nobody in the cast uses two-step sign-in: there is no second step, so on to home.
    "accounts:two_factor_verify": logged_in(lambda role: 302 if role in STAFF else 403),
    "accounts:two_factor_backup_codes": logged_in(lambda role: 405),
    "accounts:two_factor_off": logged_in(lambda role: 405),
    "clinic:staff_two_factor_reset": logged_in(lambda role: 405),
    "home:index": logged_in(lambda role: 302 if role in CLIENTS else 200),
    "clients:list": logged_in(staff_page),
    "clients:create": logged_in(admin_page),
    "clients:detail": record_page(on_team=200, admin=200),
    "clients:edit": record_page(on_team=403, admin=200),
    "clients:record": record_page(on_team=200, admin=302),
    "clients:break_glass": record_page(on_team=403, admin=200),
    "clients:invite": logged_in(lambda role: 405),
    "clinic:staff": logged_in(admin_page),
    "clinic:staff_invite": logged_in(admin_page),
    "clinic:settings": logged_in(admin_page),
    "audit:search": logged_in(admin_page),
    "audit:export": logged_in(admin_page),
    "portal:home": logged_in(client_page),
    "portal:details": logged_in(client_page),
    "portal:homework": logged_in(client_page),
    "api:openapi-json": anyone(200),
    "api:api-root": anyone(404),
    "api:me": api_auth(lambda role: 200),
    "api:list_clients": api_auth(lambda role: 200 if role in STAFF else 403),
    "api:get_client": api_record(),
}

FOUNDATION_KWARGS: dict[str, Callable[[Cast, str], object]] = {
    "pk": lambda cast, target: cast.clients[target].pk,
    "client_id": lambda cast, target: cast.clients[target].pk,
    "uidb64": lambda cast, target: "MQ",
    "token": lambda cast, target: "not-a-real-token",
    "user_id": lambda cast, target: cast.users["therapist"].pk,
}


def _app_modules() -> list[ModuleType]:
    modules = []
    for app in settings.INSTALLED_APPS:
        name = f"{app}.tests.permissions"
        if app.startswith("iptcare.") and find_spec(f"{app}.tests") and find_spec(name):
            modules.append(import_module(name))
    return modules


EXPECTED: dict[str, Expectation] = dict(FOUNDATION)
KWARGS: dict[str, Callable[[Cast, str], object]] = dict(FOUNDATION_KWARGS)
for module in _app_modules():
    EXPECTED.update(getattr(module, "EXPECTED", {}))
    KWARGS.update(getattr(module, "KWARGS", {}))


@pytest.fixture(scope="module")
def records(django_db_setup, django_db_blocker) -> Iterator[None]:
    """One record of each kind the object URLs point at, for both targets. Built once for
    this module inside a transaction rolled back at its end; each test runs in a savepoint
    of its own within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        _build_records(ensure_cast())
        yield
        transaction.set_rollback(True)


def _build_records(cast: Cast) -> None:
    today = clinic_today(cast.clinic)
    for target, therapist, hour in [
        ("client", cast.users["therapist"], 10),
        ("student_client", cast.users["student"], 14),
    ]:
        client = cast.clients[target]
        course = factories.course_in_middle_phase(client).course
        factories.submit(course, "phq9", factories.phq9_answers(12, item9=1))  # and its flag
        factories.weekly_hours(therapist, [(day, 9, 17, "in_person") for day in range(7)])
        if target == "client":  # the student charges the clinic's practicum rate
            factories.fee(therapist)
        past = factories.local(cast.clinic, today - timedelta(days=7), hour)
        factories.past_appointment(client, starts_at=past)  # billed: an invoice
        ahead = factories.local(cast.clinic, today + timedelta(days=4), hour)
        factories.appointment(client, starts_at=ahead)
    factories.suggestion(cast.clients["client"], "Sid Suggested")
    factories.public_site(cast.clinic, logo=factories.LOGO_SVG)
    factories.time_off(
        cast.clinic, starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=31)
    )
    factories.intake_request(cast.clinic)


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield name, prefix + str(entry.pattern)


def all_routes() -> list[tuple[str, str]]:
    return sorted(set(walk(get_resolver())))


KEYWORD = re.compile(r"<(?:(\w+):)?(\w+)>")


def concrete(route: str, cast: Cast, target: str) -> str:
    url = KEYWORD.sub(lambda m: str(KWARGS[m.group(2)](cast, target)), route)
    return "/" + url.lstrip("^").rstrip("$")


def test_every_url_has_an_expectation() -> None:
    missing = [name for name, _ in all_routes() if name not in EXPECTED]
    assert missing == [], f"add these URLs to the permission matrix: {missing}"


def test_every_url_keyword_can_be_filled() -> None:
    keywords = {m.group(2) for _, route in all_routes() for m in KEYWORD.finditer(route)}
    assert keywords - set(KWARGS) == set()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_each_url_answers_each_role_as_the_rules_say(
    records: None, cast: Cast, role: str | None
) -> None:
    browser = cast.http(role)
    failures = []
    for name, route in all_routes():
        targets = ["client", "student_client"] if KEYWORD.search(route) else ["client"]
        for target in targets:
            url = concrete(route, cast, target)
            expected = EXPECTED[name](role, target)
            response = browser.get(url)
            if response.status_code != expected:
                failures.append(f"{name} {url}: expected {expected}, got {response.status_code}")
            elif expected == 200 and role in STAFF:
                problem = _client_header_problem(EXPECTED[name], response, cast.clients[target])
                if problem:
                    failures.append(f"{name} {url}: {problem}")
            _take_the_device_back(browser)
    assert failures == [], "\n".join(failures)


VOID_ELEMENTS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _ClientHeader(HTMLParser):
    """The text of the page's first element of class "client-head"."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.done = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in VOID_ELEMENTS
        elif not self.done and "client-head" in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <br/>: nothing opens, nothing closes

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            self.done = not self.depth

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def _says(text: str, value: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text) is not None


def _client_header_problem(
    expectation: Expectation, response: HttpResponseBase, client: Client
) -> str:
    """A staff page about one client names them in its header (their preferred name, or
    their first name when they gave none, and their chart number); a page handed to the
    client to fill in names nobody."""
    if not isinstance(expectation, ClientPage) or not isinstance(response, HttpResponse):
        return ""  # a redirect's target, a PDF, a stream: no page header to check
    if "html" not in response["Content-Type"]:
        return ""
    page = response.content.decode()
    identity = {"preferred name": client.first_name, "chart number": client.chart_number}
    if not expectation.names_client:
        shown = [what for what, value in identity.items() if _says(page, value)]
        return f"handed to the client, yet it shows their {shown}" if shown else ""
    parser = _ClientHeader()
    parser.feed(page)
    header = " ".join(" ".join(parser.text).split())
    if not header:
        return "no client header"
    missing = [f"{what} {value!r}" for what, value in identity.items() if not _says(header, value)]
    return f"the client header lacks the {' and '.join(missing)}" if missing else ""


def _take_the_device_back(browser: HttpClient) -> None:
    """Opening "hand the device to the client" holds the session to that questionnaire
    (iptcare/measures/handover.py); the walk goes on as the therapist after it."""
    session = browser.session
    if session.pop(HANDOVER, None) is not None:
        session.save()


@pytest.mark.parametrize("role", ["client", "therapist2", "student", "supervisor", "other_admin"])
def test_someone_elses_client_answers_404_not_403(cast: Cast, role: str) -> None:
    browser = cast.http(role)
    own = cast.clients["client"]
    for url in [f"/clients/{own.pk}/", f"/clients/{own.pk}/record/", f"/api/v1/clients/{own.pk}"]:
        assert browser.get(url).status_code == 404, url


def test_another_clinics_client_is_invisible_even_to_an_administrator(cast: Cast) -> None:
    browser = cast.http("admin")
    other = cast.clients["other"]
    assert browser.get(f"/clients/{other.pk}/").status_code == 404
    assert browser.get(f"/clients/{other.pk}/break-glass/").status_code == 404
    assert other.legal_name not in browser.get("/clients/?q=Olga").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/clients/abc/",
        "/clients/99999999999999999999999/",
        "/clients/0/",
        "/clients/-1/edit/",
        "/api/v1/clients/99999999999999999999",
        "/no/such/page/",
    ],
)
def test_malformed_and_unknown_ids_answer_404(cast: Cast, url: str) -> None:
    assert cast.http("admin").get(url).status_code == 404
