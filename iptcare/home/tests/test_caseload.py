from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.courses.models import Course
from iptcare.measures.models import RiskFlag
from iptcare.measures.services import flags_escalate_overdue
from tests import factories
from tests.factories import days_ago, gad7_answers, phq9_answers, submit


@pytest.fixture
def client_course(cast: Cast) -> Course:
    """The therapist's client's course, nine sessions held, with a PHQ-9 and a GAD-7."""
    course = factories.open_course(cast.clients["client"], weeks_ago=9)
    factories.signed_notes(course, 9)
    submit(course, "phq9", phq9_answers(14), at=days_ago(3))
    submit(course, "gad7", gad7_answers(8), at=days_ago(3))
    return course


def _clients_with_courses(cast: Cast, n: int, tag: str) -> None:
    therapist = cast.users["therapist"]
    for i in range(n):
        client = factories.client(
            cast.clinic, therapists=[therapist], legal_name=f"Caseload {tag} {i:03d}"
        )
        course = factories.open_course(client, weeks_ago=4)
        submit(course, "phq9", phq9_answers(15), at=days_ago(20))
        submit(course, "phq9", phq9_answers(12, item9=i % 2), session_number=2, at=days_ago(10))
        submit(course, "gad7", gad7_answers(9), session_number=2, at=days_ago(10))


def _count(browser, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


def test_the_caseload_query_count_is_the_same_for_5_and_100_clients(
    cast: Cast, client_course: Course
) -> None:
    browser = cast.http("therapist")
    _clients_with_courses(cast, 5, "few")
    browser.get("/home/")
    few = _count(browser, "/home/")
    _clients_with_courses(cast, 95, "many")
    assert _count(browser, "/home/?sort=name") == few
    body = browser.get("/home/").content.decode()
    assert body.count('data-label="Session"') == 100 + 1  # and the client of the cast


def test_the_caseload_shows_scores_bands_trends_and_open_flags_first(
    cast: Cast, client_course: Course
) -> None:
    _clients_with_courses(cast, 2, "row")
    page = cast.http("therapist").get("/home/").content.decode()
    body = page[page.index('class="table caseload"') :]
    flagged = body.index("Caseload row 001")
    name = cast.clients["client"].legal_name
    assert flagged < body.index("Caseload row 000") and flagged < body.index(name)
    assert "1 open flag" in body and "Moderate" in body and "↓" in body
    assert "Session 10 of 16 · middle phase" in body  # the client's, from the courses app


def test_the_caseload_sorts_by_name_on_request(cast: Cast) -> None:
    therapist = cast.users["therapist"]
    for name in ("Zoe Last", "Abe First"):
        factories.open_course(
            factories.client(cast.clinic, therapists=[therapist], legal_name=name)
        )
    _clients_with_courses(cast, 2, "row")
    page = cast.http("therapist").get("/home/?sort=name").content.decode()
    body = page[page.index('class="table caseload"') :]
    assert body.index("Abe First") < body.index("Caseload row 001") < body.index("Zoe Last")


def test_an_escalated_flag_shows_on_the_supervisor_home(cast: Cast) -> None:
    course = factories.open_course(cast.clients["student_client"])
    flag = submit(course, "phq9", phq9_answers(12, item9=1), at=days_ago(2)).flag
    assert flag is not None
    RiskFlag.objects.filter(pk=flag.pk).update(raised_at=days_ago(1.25))  # 30 hours ago
    assert flags_escalate_overdue() == 1
    body = cast.http("supervisor").get("/home/").content.decode()
    assert "Escalated to you" in body and cast.clients["student_client"].legal_name in body


def test_each_caseload_row_links_to_the_client_and_their_measures(
    cast: Cast, client_course: Course
) -> None:
    client, course = cast.clients["client"], client_course
    body = cast.http("therapist").get("/home/").content.decode()
    assert f'href="/clients/{client.pk}/">{client.display_name}</a>' in body
    assert f'href="/measures/course/{course.pk}/">Measures</a>' in body


def test_the_depression_column_names_phq_a_on_an_adolescent_row(
    cast: Cast, client_course: Course
) -> None:
    therapist = cast.users["therapist"]
    teen = factories.adolescent(
        cast.clinic, age=15, therapists=[therapist], legal_name="Caseload Teen"
    )
    course = factories.open_course(teen, protocol="ipt_a", planned=12, weeks_ago=3)
    submit(course, "phqa", [1] * 8 + [0], at=days_ago(5))
    page = cast.http("therapist").get("/home/").content.decode()
    body = page[page.index('class="table caseload"') :]
    assert "Depression <span" in body and "PHQ-9 / PHQ-A" in body
    assert ">PHQ-9</a>" not in body
    teen_row = body[body.index("Caseload Teen") :].split("</tr>")[0]
    assert 'class="caseload-instrument">PHQ-A</span> 8' in teen_row
    client_row = body[body.index(cast.clients["client"].legal_name) :].split("</tr>")[0]
    assert 'class="caseload-instrument">PHQ-9</span>' in client_row


def test_the_score_cell_formats_the_latest_score_without_a_query(
    cast: Cast, django_assert_num_queries
) -> None:
    from django.template import Context, Template

    from iptcare.measures.selectors import latest_scores

    _clients_with_courses(cast, 1, "cell")
    course = Course.objects.get(client__legal_name="Caseload cell 000")
    scores = latest_scores([course.pk])[course.pk]
    template = Template("{% load caseload %}{% score_cell phq %}|{% score_cell none %}")
    with django_assert_num_queries(0):
        html = template.render(Context({"phq": scores["phq"], "none": None}))
    assert '<span class="band band--moderate">Moderate</span>' in html
    assert 'title="falling (was 15)"' in html and "↓" in html
    assert html.endswith('|<span class="muted">—</span>')
