"""The course page's "Before the middle phase" checklist links each gate to the page where it
is done (issue 10, item 8)."""

from __future__ import annotations

import re

import pytest

from conftest import Cast
from iptcare.courses import protocols
from iptcare.courses.templatetags.courses import GATE_PAGES
from tests.factories import open_course


def _gate_links(page: str) -> dict[str, str]:
    """Gate label → href, from the checklist's links."""
    found = re.findall(r'<a class="gate__link" href="([^"]+)">([^:<]+):', page)
    return {label: href for href, label in found}


def test_every_phase_gate_has_a_page_where_it_is_done() -> None:
    assert {gate.key for gate in protocols.PHASE_GATES} == set(GATE_PAGES)


@pytest.mark.parametrize("role", ["therapist", "supervisor"])
def test_each_gate_on_the_course_page_links_to_where_it_is_done(cast: Cast, role: str) -> None:
    key = "client" if role == "therapist" else "student_client"
    course = open_course(cast.clients[key])
    browser = cast.http(role)
    page = browser.get(f"/courses/{course.pk}/").content.decode()
    links = _gate_links(page)
    base = f"/courses/{course.pk}"
    assert links == {
        "Symptom measure": f"/measures/course/{course.pk}/",
        "Inventory": f"{base}/inventory/",
        "Focus areas": f"{base}/formulation/#areas-heading",
        "Formulation agreed": f"{base}/formulation/edit/#id_agreed_on",
        "Contract": f"{base}/formulation/edit/#id_contract_sessions",
    }
    for href in links.values():
        path, _, anchor = href.partition("#")
        target = browser.get(path)
        assert target.status_code == 200, href
        if anchor:
            assert f'id="{anchor}"' in target.content.decode(), href
