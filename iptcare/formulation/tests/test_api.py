"""The inventory, the timeline and the formulation in the JSON API."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.courses.models import Course
from iptcare.formulation.models import (
    Episode,
    FocusAreaChoice,
    InventoryPerson,
    LifeEvent,
)


def test_a_course_reads_as_on_its_pages(cast: Cast, course: Course) -> None:
    browser = cast.http("therapist")
    people = browser.get(f"/api/v1/formulation/courses/{course.pk}/inventory").json()
    current = InventoryPerson.objects.filter(course=course, archived_at__isnull=True)
    assert {p["name"] for p in people} == set(current.values_list("name", flat=True))
    assert [p["ring"] for p in people] == sorted(p["ring"] for p in people)

    timeline = browser.get(f"/api/v1/formulation/courses/{course.pk}/timeline").json()
    events = LifeEvent.objects.filter(course=course, archived_at__isnull=True)
    assert [e["id"] for e in timeline["events"]] == list(
        events.order_by("starts_on", "pk").values_list("pk", flat=True)
    )
    current_episode = Episode.objects.get(course=course, is_current=True, archived_at__isnull=True)
    assert timeline["onset"] == current_episode.starts_on.isoformat()

    written = browser.get(f"/api/v1/formulation/courses/{course.pk}/formulation").json()
    chosen = FocusAreaChoice.objects.filter(course=course, archived_at__isnull=True)
    assert [a["area"] for a in written["focus_areas"]] == list(
        chosen.values_list("area", flat=True)
    )
    assert all(a["goals"] and a["label"] for a in written["focus_areas"])
    assert written["text"]


def test_reads_are_recorded_and_hidden_from_everyone_outside_the_care_team(
    cast: Cast, course: Course
) -> None:
    for part in ("inventory", "timeline", "formulation"):
        url = f"/api/v1/formulation/courses/{course.pk}/{part}"
        before = AccessEntry.objects.filter(action="read", object_type="courses.course").count()
        assert cast.http("therapist").get(url).status_code == 200
        after = AccessEntry.objects.filter(action="read", object_type="courses.course").count()
        assert after == before + 1
        for role in ("therapist2", "client", "admin", "other_admin"):
            assert cast.http(role).get(url).status_code == 404


def test_the_timeline_costs_the_same_queries_whatever_its_length(
    cast: Cast, course: Course
) -> None:
    browser = cast.http("therapist")
    url = f"/api/v1/formulation/courses/{course.pk}/timeline"
    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    event = LifeEvent.objects.filter(course=course).first()
    assert event is not None
    for n in range(12):
        copy = LifeEvent.objects.create(
            clinic=course.clinic, course=course, code=event.code, starts_on=event.starts_on
        )
        copy.people.set(InventoryPerson.objects.filter(course=course)[: n % 3 + 1])
    with CaptureQueriesContext(connection) as many:
        browser.get(url)
    assert len(many) == len(few)
