"""The client portal's pages: own records only, bad input, audit, and query counts."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.courses.models import Course, SessionNote
from iptcare.courses.selectors import clinic_today
from iptcare.formulation.models import Formulation, HomeworkTask, InventoryPerson
from iptcare.measures.models import QuestionnaireResponse
from iptcare.portal import selectors, services
from iptcare.portal.models import MoodEntry, PersonSuggestion
from iptcare.scheduling.models import Invoice
from tests import factories

PAGES = ["portal:home", "portal:relationships", "portal:mood", "portal:documents", "portal:my_data"]


def _page(cast: Cast, role: str, name: str) -> str:
    response = cast.http(role).get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def _entries(client, action: str) -> int:
    return AccessEntry.objects.filter(client=client, action=action).count()


# --- Who may open the portal -------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["therapist", "admin", "supervisor"])
def test_staff_are_refused_every_portal_page(cast: Cast, role: str, name: str) -> None:
    assert cast.http(role).get(reverse(name)).status_code == 403
    assert cast.http(role).post(reverse(name), {"rating": "5"}).status_code == 403


# --- Home --------------------------------------------------------------------------------


def test_home_greets_the_client_and_keeps_the_crisis_card(cast: Cast, portal_rows) -> None:
    page = _page(cast, "client", "portal:home")
    assert f"Hello, {cast.clients['client'].preferred_name}" in page
    assert "If you need help now" in page
    assert "9-8-8" in page
    for name in PAGES[1:] + ["portal:homework", "measures:my"]:
        assert f'href="{reverse(name)}"' in page, name


def test_home_shows_the_next_appointment_and_the_counts(cast: Cast, portal_rows) -> None:
    client = cast.clients["client"]
    summary = selectors.portal_home_for(client)
    page = _page(cast, "client", "portal:home")
    assert summary.next_appointment is not None
    assert summary.next_appointment.therapist.full_name in page
    open_tasks = HomeworkTask.objects.filter(
        course__client=client, visible_to_client=True, status="open"
    ).count()
    assert summary.open_tasks == open_tasks
    assert (f"{open_tasks} open" if open_tasks else "No open tasks") in page
    HomeworkTask.objects.filter(course__client=client).update(status="done")
    assert "No open tasks" in _page(cast, "client", "portal:home")


def test_home_without_a_booking_offers_to_book(cast: Cast) -> None:
    from iptcare.scheduling.models import Appointment

    Appointment.objects.filter(client=cast.clients["client"]).update(status="cancelled")
    page = _page(cast, "client", "portal:home")
    assert "Nothing booked at the moment." in page
    assert reverse("scheduling:my_book") in page


# --- My relationships --------------------------------------------------------------------


def test_relationships_show_only_the_people_shared_with_this_client(
    cast: Cast, portal_rows, client_course: Course
) -> None:
    hidden = InventoryPerson.objects.create(
        clinic=cast.clinic, course=client_course, name="Hidden Harper", relation="ex-partner"
    )
    archived = InventoryPerson.objects.create(
        clinic=cast.clinic,
        course=client_course,
        name="Archived Avery",
        relation="friend",
        shared_with_client=True,
        archived_at=client_course.created_at,
    )
    other_course = factories.open_course(cast.clients["client2"])
    InventoryPerson.objects.create(
        clinic=cast.clinic,
        course=other_course,
        name="Other Brother",
        relation="brother",
        shared_with_client=True,
    )
    shared = InventoryPerson.objects.filter(
        course=client_course, shared_with_client=True, archived_at__isnull=True
    )
    page = _page(cast, "client", "portal:relationships")
    assert shared.exists()
    for person in shared:
        assert person.name in page
    for name in [hidden.name, archived.name, "Other Brother"]:
        assert name not in page
    # The client's drawing carries no support or conflict ratings.
    assert "conflict" not in page.lower()
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    assert ET.fromstring(svg).tag.endswith("svg")


def test_a_client_suggests_a_person_and_it_is_logged(cast: Cast, client_course: Course) -> None:
    client = cast.clients["client"]
    before = _entries(client, "create")
    response = cast.http("client").post(
        reverse("portal:relationships"),
        {"name": "Riya", "relation": "climbing partner", "note": "We climb on Tuesdays."},
    )
    assert response.status_code == 302
    suggestion = PersonSuggestion.objects.get(client=client, name="Riya")
    assert suggestion.course == client_course
    assert suggestion.status == PersonSuggestion.Status.NEW
    assert _entries(client, "create") == before + 1
    assert "Riya" in _page(cast, "client", "portal:relationships")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "relation": "friend"}, "Please write the person&#x27;s name"),
        ({"name": "   ", "relation": "friend"}, "Please write the person&#x27;s name"),
        ({"name": "Dev", "relation": ""}, "Please say who they are to you"),
        ({"name": "D" * 121, "relation": "friend"}, "at most 120 characters"),
    ],
)
def test_a_bad_suggestion_says_what_is_wrong_and_saves_nothing(
    cast: Cast, client_course: Course, data: dict[str, str], message: str
) -> None:
    response = cast.http("client").post(reverse("portal:relationships"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PersonSuggestion.objects.filter(client=cast.clients["client"]).exists()


def test_a_client_without_an_open_course_cannot_suggest(cast: Cast, client_course: Course) -> None:
    Course.objects.filter(client=cast.clients["client"]).update(status="completed")
    response = cast.http("client").post(
        reverse("portal:relationships"), {"name": "Dev", "relation": "friend"}
    )
    assert response.status_code == 200
    assert "once your course of therapy has started" in response.content.decode()
    assert not PersonSuggestion.objects.filter(client=cast.clients["client"]).exists()


# --- The therapist's answer to a suggestion ----------------------------------------------


def _suggest(cast: Cast, role: str = "client") -> PersonSuggestion:
    return services.person_suggest(
        actor=Actor(user=cast.users[role], role="client"),
        client=cast.clients[role],
        name="Dev",
        relation="colleague",
    )


def test_the_therapist_adds_a_suggested_person_to_the_inventory(
    cast: Cast, client_course: Course
) -> None:
    suggestion = _suggest(cast)
    url = reverse("portal:suggestion_decide", args=[suggestion.pk])
    response = cast.http("therapist").post(url, {"decision": "add"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "formulation:inventory", kwargs={"course_id": client_course.pk}
    )
    suggestion.refresh_from_db()
    assert suggestion.status == PersonSuggestion.Status.ADDED
    assert suggestion.decided_by == cast.users["therapist"]
    assert InventoryPerson.objects.filter(
        course=client_course, name="Dev", relation="colleague"
    ).exists()
    # Answered once: a second answer changes nothing.
    cast.http("therapist").post(url, {"decision": "dismiss"})
    suggestion.refresh_from_db()
    assert suggestion.status == PersonSuggestion.Status.ADDED
    assert InventoryPerson.objects.filter(course=client_course, name="Dev").count() == 1


def test_the_therapist_may_leave_a_suggestion_out(cast: Cast, client_course: Course) -> None:
    suggestion = _suggest(cast)
    cast.http("therapist").post(
        reverse("portal:suggestion_decide", args=[suggestion.pk]), {"decision": "dismiss"}
    )
    suggestion.refresh_from_db()
    assert suggestion.status == PersonSuggestion.Status.DISMISSED
    assert not InventoryPerson.objects.filter(course=client_course, name="Dev").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("client", 403),
        ("client2", 403),
        ("supervisor", 404),
        ("therapist2", 404),
        ("other_admin", 404),
    ],
)
def test_only_the_treating_therapist_answers_a_suggestion(
    cast: Cast, client_course: Course, role: str, status: int
) -> None:
    suggestion = _suggest(cast)
    url = reverse("portal:suggestion_decide", args=[suggestion.pk])
    assert cast.http(role).post(url, {"decision": "add"}).status_code == status
    suggestion.refresh_from_db()
    assert suggestion.status == PersonSuggestion.Status.NEW


def test_the_suggestions_panel_formats_what_the_view_read_without_a_query(
    cast: Cast, client_course: Course, django_assert_num_queries
) -> None:
    suggestion = _suggest(cast)
    suggestions = selectors.person_suggestions_for(client_course)
    assert suggestions == [suggestion]
    template = Template("{% load portal_panels %}{% person_suggestions_panel suggestions may %}")
    decide = reverse("portal:suggestion_decide", args=[suggestion.pk])
    for may in (True, False):
        with django_assert_num_queries(0):
            html = template.render(Context({"suggestions": suggestions, "may": may}))
        assert "Dev" in html and "colleague" in html
        assert (decide in html) is may


def test_the_inventory_page_offers_the_suggestions_to_the_treating_therapist(
    cast: Cast, client_course: Course
) -> None:
    suggestion = _suggest(cast)
    url = reverse("formulation:inventory", args=[client_course.pk])
    page = cast.http("therapist").get(url).content.decode()
    assert "Dev" in page and reverse("portal:suggestion_decide", args=[suggestion.pk]) in page


# --- Mood log ----------------------------------------------------------------------------


def test_a_client_records_todays_mood_and_a_second_save_edits_it(cast: Cast) -> None:
    client = cast.clients["client"]
    url = reverse("portal:mood")
    creates, updates = _entries(client, "create"), _entries(client, "update")
    assert cast.http("client").post(url, {"rating": "4", "note": "tired"}).status_code == 302
    assert cast.http("client").post(url, {"rating": "6", "note": ""}).status_code == 302
    entry = MoodEntry.objects.get(client=client, day=clinic_today(client.clinic))
    assert (entry.rating, entry.note, entry.scale_low, entry.scale_high) == (6, "", 0, 10)
    assert MoodEntry.objects.filter(client=client).count() == 1
    assert _entries(client, "create") == creates + 1
    assert _entries(client, "update") == updates + 1
    page = _page(cast, "client", "portal:mood")
    assert "Today: you said 6" in page
    assert re.search(r'<input[^>]*value="6"[^>]*checked', page)


@pytest.mark.parametrize("rating", ["11", "-1", "five", ""])
def test_a_mood_off_the_scale_is_refused_beside_the_field(cast: Cast, rating: str) -> None:
    response = cast.http("client").post(reverse("portal:mood"), {"rating": rating})
    assert response.status_code == 200
    assert 'id="rating-error"' in response.content.decode()
    assert not MoodEntry.objects.filter(client=cast.clients["client"]).exists()


def test_an_ipt_a_course_rates_mood_from_one_to_ten(cast: Cast, client_course: Course) -> None:
    Course.objects.filter(pk=client_course.pk).update(protocol="ipt_a")
    client = cast.clients["client"]
    response = cast.http("client").post(reverse("portal:mood"), {"rating": "0"})
    assert 'id="rating-error"' in response.content.decode()
    assert not MoodEntry.objects.filter(client=client).exists()
    with pytest.raises(services.PortalError):
        services.mood_record(actor=Actor(user=None, role="client"), client=client, rating=0)
    cast.http("client").post(reverse("portal:mood"), {"rating": "10"})
    entry = MoodEntry.objects.get(client=client)
    assert (entry.rating, entry.scale_low, entry.scale_high) == (10, 1, 10)


def test_the_mood_page_draws_the_last_eight_weeks(cast: Cast, portal_rows) -> None:
    client = cast.clients["client"]
    today = clinic_today(client.clinic)
    MoodEntry.objects.create(
        clinic=cast.clinic, client=client, day=today - timedelta(weeks=9), rating=1, note="old one"
    )
    log = selectors.mood_log_for(client)
    assert log.entries and all(log.first <= e.day <= today for e in log.entries)
    assert log.first == today - timedelta(days=55)
    page = _page(cast, "client", "portal:mood")
    assert "old one" not in page
    svg = ET.fromstring(page[page.index("<svg") : page.index("</svg>") + 6])
    dots = svg.findall("{http://www.w3.org/2000/svg}circle")
    assert len(dots) == len(log.entries)


def test_the_mood_log_panel_formats_what_the_view_read_without_a_query(
    cast: Cast, portal_rows, django_assert_num_queries
) -> None:
    template = Template("{% load portal_panels %}{% mood_log_panel mood_log %}")
    log = selectors.mood_log_for(cast.clients["client"])
    with django_assert_num_queries(0):
        html = template.render(Context({"mood_log": log}))
    assert f"{len(log.entries)} ratings" in html
    assert "A good day out." in html
    empty = selectors.mood_log_for(cast.clients["client2"])
    with django_assert_num_queries(0):
        html = template.render(Context({"mood_log": empty}))
    assert "No mood ratings" in html and "A good day out." not in html


def test_the_clinical_record_shows_the_clients_mood_log(cast: Cast, portal_rows) -> None:
    client = cast.clients["client"]
    page = cast.http("therapist").get(reverse("clients:record", args=[client.pk]))
    assert "A good day out." in page.content.decode()


# --- Documents ---------------------------------------------------------------------------


def test_documents_list_only_the_clients_own_receipts(cast: Cast, portal_rows) -> None:
    mine = Invoice.objects.filter(client=cast.clients["client"])
    theirs = Invoice.objects.filter(client=cast.clients["client2"])
    assert mine.exists() and theirs.exists()
    page = _page(cast, "client", "portal:documents")
    for invoice in mine:
        assert reverse("scheduling:my_receipt_pdf", args=[invoice.pk]) in page
    for invoice in theirs:
        assert reverse("scheduling:my_receipt_pdf", args=[invoice.pk]) not in page
        assert invoice.number not in page
    assert "Reports your therapist shares will appear here" in page


# --- Download my data --------------------------------------------------------------------


def _download(cast: Cast, role: str = "client") -> tuple[dict, bytes, str]:
    response = cast.http(role).post(reverse("portal:my_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["my-data.json", "my-record.fhir.json", "summary.pdf"]
    raw = archive.read("my-data.json").decode()
    return json.loads(raw), archive.read("summary.pdf"), raw


def test_download_my_data_holds_the_clients_records_and_is_logged(cast: Cast, portal_rows) -> None:
    client = cast.clients["client"]
    exports = _entries(client, "export")
    data, pdf, _ = _download(cast)
    assert pdf.startswith(b"%PDF")
    assert data["my_details"]["legal_name"] == client.legal_name
    assert [t["name"] for t in data["care_team"]] == [cast.users["therapist"].full_name]
    assert len(data["appointments"]) == client.appointments.count()
    responses = QuestionnaireResponse.objects.filter(client=client)
    assert len(data["questionnaires"]) == responses.count()
    answered = next(q for q in data["questionnaires"] if q["code"] == "phq9" and q["complete"])
    assert answered["answers"][0]["question"]
    assert answered["answers"][0]["answer"]
    assert {m["day"] for m in data["mood_log"]} == {
        e.day.isoformat() for e in MoodEntry.objects.filter(client=client)
    }
    assert {p["name"] for p in data["relationships_shared_with_me"]} == set(
        InventoryPerson.objects.filter(
            course__client=client, shared_with_client=True, archived_at__isnull=True
        ).values_list("name", flat=True)
    )
    assert [s["name"] for s in data["people_i_suggested"]] == ["Dev"]
    assert _entries(client, "export") == exports + 1


def test_download_my_data_never_holds_private_notes_or_other_clients(
    cast: Cast, portal_rows
) -> None:
    client = cast.clients["client"]
    _, _, raw = _download(cast)
    private = [client.presenting_concerns]
    private += [f.text for f in Formulation.objects.filter(course__client=client) if f.text]
    for note in SessionNote.objects.filter(course__client=client):
        private += [note.since_last_met, note.focus_work, note.plan_next, note.risk_notes]
    private += [
        p.difficult_aspects
        for p in InventoryPerson.objects.filter(course__client=client)
        if p.difficult_aspects
    ]
    others = [cast.clients[key].legal_name for key in ("client2", "student_client", "other")]
    for text in [t for t in private if t and len(t) > 12] + others:
        assert text not in raw, text[:40]


def test_download_my_data_needs_as_many_queries_for_many_rows_as_for_few(
    cast: Cast, portal_rows
) -> None:
    client = cast.clients["client"]
    actor = Actor(user=cast.users["client"], role="client")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.my_data_for(client)
        return len(queries)

    count()  # the first call caches the client's clinic
    few = count()
    today = clinic_today(client.clinic)
    MoodEntry.objects.filter(client=client).delete()
    MoodEntry.objects.bulk_create(
        MoodEntry(clinic=cast.clinic, client=client, day=today - timedelta(days=n), rating=5)
        for n in range(60)
    )
    for n in range(15):
        services.person_suggest(actor=actor, client=client, name=f"P{n}", relation="friend")
    assert count() == few


@pytest.mark.parametrize("name", ["portal:home", "portal:mood", "portal:relationships"])
def test_portal_pages_need_as_many_queries_for_many_rows_as_for_few(
    cast: Cast, portal_rows, client_course: Course, name: str
) -> None:
    browser = cast.http("client")
    url = reverse(name)
    browser.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(url).status_code == 200
        return len(queries)

    few = count()
    client = cast.clients["client"]
    today = clinic_today(client.clinic)
    MoodEntry.objects.filter(client=client).delete()
    MoodEntry.objects.bulk_create(
        MoodEntry(clinic=cast.clinic, client=client, day=today - timedelta(days=n), rating=n % 11)
        for n in range(50)
    )
    InventoryPerson.objects.bulk_create(
        InventoryPerson(
            clinic=cast.clinic,
            course=client_course,
            name=f"Friend {n}",
            relation="friend",
            ring=n % 3 + 1,
            shared_with_client=True,
        )
        for n in range(20)
    )
    PersonSuggestion.objects.bulk_create(
        PersonSuggestion(
            clinic=cast.clinic, client=client, course=client_course, name=f"S{n}", relation="x"
        )
        for n in range(20)
    )
    assert count() == few
