from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.audit.services import Actor
from iptcare.clients.services import client_create
from iptcare.courses.models import Course
from iptcare.measures.tests.factories import days_ago, gad7_answers, phq9_answers, submit


def _clients_with_courses(cast: Cast, n: int, tag: str) -> None:
    therapist = cast.users["therapist"]
    for i in range(n):
        client = client_create(
            actor=Actor(user=None, role="system"),
            clinic=cast.clinic,
            legal_name=f"Caseload {tag} {i:03d}",
            date_of_birth=date(1990, 1, 1),
            therapists=[therapist],
            status="active",
        )
        course = Course.objects.create(
            clinic=cast.clinic,
            client=client,
            therapist=therapist,
            planned_sessions=16,
            start_date=date.today() - timedelta(days=30),
            status="active",
        )
        submit(course, "phq9", phq9_answers(15), at=days_ago(20))
        submit(course, "phq9", phq9_answers(12, item9=i % 2), session_number=2, at=days_ago(10))
        submit(course, "gad7", gad7_answers(9), session_number=2, at=days_ago(10))


def _count(browser, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


def test_the_caseload_query_count_is_the_same_for_5_and_100_clients(cast: Cast) -> None:
    browser = cast.http("therapist")
    _clients_with_courses(cast, 5, "few")
    browser.get("/home/")
    few = _count(browser, "/home/")
    _clients_with_courses(cast, 95, "many")
    assert _count(browser, "/home/?sort=name") == few
    body = browser.get("/home/").content.decode()
    assert body.count('data-label="Session"') == 100 + 3  # and Jordan, Ahmed and Liam


def test_the_caseload_shows_scores_bands_trends_and_open_flags_first(cast: Cast) -> None:
    _clients_with_courses(cast, 2, "row")
    page = cast.http("therapist").get("/home/").content.decode()
    body = page[page.index('class="table caseload"') :]
    flagged = body.index("Caseload row 001")
    assert flagged < body.index("Caseload row 000") and flagged < body.index("Jordan Lee")
    assert "1 open flag" in body and "Moderate" in body and "↓" in body
    assert "Session 10 of 16 · middle phase" in body  # Jordan, from the courses app


def test_the_caseload_sorts_by_name_on_request(cast: Cast) -> None:
    _clients_with_courses(cast, 2, "row")
    page = cast.http("therapist").get("/home/?sort=name").content.decode()
    body = page[page.index('class="table caseload"') :]
    assert body.index("Ahmed Karimi") < body.index("Caseload row 001") < body.index("Jordan Lee")


def test_an_escalated_flag_shows_on_the_supervisor_home(cast: Cast) -> None:
    body = cast.http("supervisor").get("/home/").content.decode()
    assert "Escalated to you" in body and "Benjamin Cho" in body


def test_each_caseload_row_links_to_the_client_and_their_measures(cast: Cast) -> None:
    jordan = cast.clients["client"]
    course = Course.objects.filter(client=jordan, status="active").get()
    body = cast.http("therapist").get("/home/").content.decode()
    assert f'href="/clients/{jordan.pk}/">Jordan Lee</a>' in body
    assert f'href="/measures/course/{course.pk}/">Measures</a>' in body


def test_the_depression_column_names_phq_a_on_an_adolescent_row(cast: Cast) -> None:
    therapist = cast.users["therapist"]
    teen = client_create(
        actor=Actor(user=None, role="system"),
        clinic=cast.clinic,
        legal_name="Caseload Teen",
        date_of_birth=date(2011, 1, 1),
        therapists=[therapist],
        status="active",
    )
    course = Course.objects.create(
        clinic=cast.clinic,
        client=teen,
        therapist=therapist,
        protocol="ipt_a",
        planned_sessions=12,
        start_date=date.today() - timedelta(days=20),
        status="active",
    )
    submit(course, "phqa", [1] * 8 + [0], at=days_ago(5))
    page = cast.http("therapist").get("/home/").content.decode()
    body = page[page.index('class="table caseload"') :]
    assert "Depression <span" in body and "PHQ-9 / PHQ-A" in body
    assert ">PHQ-9</a>" not in body
    teen_row = body[body.index("Caseload Teen") :].split("</tr>")[0]
    assert 'class="caseload-instrument">PHQ-A</span> 8' in teen_row
    jordan_row = body[body.index("Jordan Lee") :].split("</tr>")[0]
    assert 'class="caseload-instrument">PHQ-9</span>' in jordan_row


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
