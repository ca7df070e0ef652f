"""What the portal tests show the client, built with tests/factories.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import Cast
from iptcare.courses.models import Course
from iptcare.courses.selectors import clinic_today
from tests import factories

# The therapists see clients every day, 9 to 5, in person.
EVERY_DAY = [(day, 9, 17, "in_person") for day in range(7)]


@pytest.fixture
def client_course(cast: Cast) -> Course:
    """The client's open course: three sessions held, four people in the inventory, the
    two closest shared with the client, and one task for them."""
    course = factories.open_course(cast.clients["client"], weeks_ago=3)
    factories.signed_notes(course, 3)
    factories.person(course, "Sam Sibling", relation="sister", ring=1, shared_with_client=True)
    factories.person(course, "Cam Colleague", relation="colleague", ring=2, shared_with_client=True)
    factories.person(
        course, "Pat Parent", relation="mother", ring=1, difficult_aspects="Calls end in guilt."
    )
    factories.person(course, "Fran Friend", relation="old friend", ring=3)
    factories.homework(course, "Call a friend this week.", set_at_session=3, due_session=4)
    return course


@pytest.fixture
def portal_rows(cast: Cast, client_course: Course) -> Course:
    """The client has used the portal: a mood log over three weeks, a suggested person, a
    PHQ-9 answered, two sessions attended and billed, the next one booked. The second
    client has a receipt of their own."""
    client = cast.clients["client"]
    today = clinic_today(cast.clinic)
    for days_ago, rating, note in [
        (20, 3, "Quiet weekend."),
        (9, 4, ""),
        (2, 7, "A good day out."),
    ]:
        with factories.clock_at(cast.clinic, today - timedelta(days=days_ago), 20):
            factories.mood_entry(client, rating, note=note)
    factories.suggestion(client, "Dev", relation="colleague")
    factories.submit(client_course, "phq9", factories.phq9_answers(12), session_number=3)
    for key in ("therapist", "therapist2"):
        factories.weekly_hours(cast.users[key], EVERY_DAY)
        factories.fee(cast.users[key])
    for weeks in (2, 1):
        day = today - timedelta(weeks=weeks)
        factories.past_appointment(client, starts_at=factories.local(cast.clinic, day, 10))
    day = today - timedelta(weeks=1)
    factories.past_appointment(
        cast.clients["client2"], starts_at=factories.local(cast.clinic, day, 11)
    )
    ahead = today + timedelta(days=4)
    factories.appointment(client, starts_at=factories.local(cast.clinic, ahead, 10))
    return client_course
