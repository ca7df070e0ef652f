"""Every URL, as every kind of person, answers as the permission rules say.

A URL without an entry in EXPECTED fails the test, so new pages must join the matrix.
Object pages are tried on two records: one looked after by therapist@ (and owned by
client@), one looked after by the practicum student (so their supervisor sees it too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import Cast

ROLES = [
    None,
    "client",
    "client2",
    "therapist",
    "therapist2",
    "student",
    "supervisor",
    "admin",
    "other_admin",
]
STAFF = {"therapist", "therapist2", "student", "supervisor", "admin", "other_admin"}
CLIENTS = {"client", "client2"}
ADMINS = {"admin", "other_admin"}
# Who is on the care team of each target record.
CARE_TEAM = {"client": {"therapist"}, "student_client": {"student", "supervisor"}}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield name, prefix + str(entry.pattern)


def anon_login(role: str | None, when_in: int) -> int:
    return 302 if role is None else when_in


def logged_in(status_for: Callable[[str], int]) -> Callable[[str | None, str], int]:
    return lambda role, target: 302 if role is None else status_for(role)


def staff_page(role: str) -> int:
    return 200 if role in STAFF else 403


def admin_page(role: str) -> int:
    return 200 if role in ADMINS else 403


def client_page(role: str) -> int:
    return 200 if role in CLIENTS else 403


def record_page(on_team: int, admin: int, team_not_allowed: int | None = None):  # type: ignore[no-untyped-def]
    """An object page: care team gets `on_team`, own-clinic admin `admin`, others 404."""

    def status(role: str | None, target: str) -> int:
        if role is None:
            return 302
        if role in CARE_TEAM[target]:
            return on_team if team_not_allowed is None else team_not_allowed
        if role == "admin":
            return admin
        return 404

    return status


def api_auth(status_for: Callable[[str], int]) -> Callable[[str | None, str], int]:
    return lambda role, target: 401 if role is None else status_for(role)


def api_record(role: str | None, target: str) -> int:
    if role is None:
        return 401
    return 200 if role in CARE_TEAM[target] or role == "admin" else 404


EXPECTED: dict[str, Callable[[str | None, str], int]] = {
    "root": lambda role, target: 302,
    "healthz": lambda role, target: 200,
    "readyz": lambda role, target: 200,
    "accounts:login": lambda role, target: 200 if role is None else 302,
    "accounts:logout": lambda role, target: 405,
    "accounts:password_reset": lambda role, target: 200,
    "accounts:password_reset_done": lambda role, target: 200,
    "accounts:password_reset_confirm": lambda role, target: 200,
    "accounts:password_reset_complete": lambda role, target: 200,
    "accounts:invitation_accept": lambda role, target: 410,
    "home:index": logged_in(lambda role: 302 if role in CLIENTS else 200),
    "clients:list": logged_in(staff_page),
    "clients:create": logged_in(admin_page),
    "clients:detail": record_page(on_team=200, admin=200),
    "clients:edit": record_page(on_team=403, admin=200),
    "clients:record": record_page(on_team=200, admin=302),
    "clients:break_glass": record_page(on_team=403, admin=200),
    "clients:invite": lambda role, target: 302 if role is None else 405,
    "clinic:staff": logged_in(admin_page),
    "clinic:staff_invite": logged_in(admin_page),
    "clinic:settings": logged_in(admin_page),
    "audit:search": logged_in(admin_page),
    "audit:export": logged_in(admin_page),
    "portal:home": logged_in(client_page),
    "portal:details": logged_in(client_page),
    "api:openapi-json": lambda role, target: 200,
    "api:api-root": lambda role, target: 404,
    "api:me": api_auth(lambda role: 200),
    "api:list_clients": api_auth(lambda role: 200 if role in STAFF else 403),
    "api:get_client": api_record,
}

SAMPLE_VALUES = {
    "uidb64": "MQ",
    "token": "not-a-real-token",
}


def concrete(route: str, cast: Cast, target: str) -> str:

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name in {"pk", "client_id"}:
            return str(cast.clients[target].pk)
        return SAMPLE_VALUES[name]

    url = re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
    return "/" + url.lstrip("^").rstrip("$")


def all_routes() -> list[tuple[str, str]]:
    return sorted(set(walk(get_resolver())))


def test_every_url_has_an_expectation() -> None:
    missing = [name for name, _ in all_routes() if name not in EXPECTED]
    assert missing == [], f"add these URLs to the permission matrix: {missing}"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_each_url_answers_each_role_as_the_rules_say(cast: Cast, role: str | None) -> None:
    browser = cast.http(role)
    failures = []
    for name, route in all_routes():
        targets = (
            ["client", "student_client"] if re.search(r"(pk|client_id)>", route) else ["client"]
        )
        for target in targets:
            url = concrete(route, cast, target)
            expected = EXPECTED[name](role, target)
            response = browser.get(url)
            if response.status_code != expected:
                failures.append(f"{name} {url}: expected {expected}, got {response.status_code}")
    assert failures == []


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
