from __future__ import annotations

import pytest

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.clinic.demo import DemoContext, DemoReport
from iptcare.courses.models import Course
from iptcare.courses.selectors import current_courses_for_clients
from iptcare.portal.demo import load_demo


@pytest.fixture
def portal_demo(cast: Cast) -> DemoContext:
    """The portal's demo rows on top of the shared cast (loaded again: a no-op when there)."""
    context = DemoContext(
        clinic=cast.clinic,
        users={u.email: u for u in User.objects.filter(clinic=cast.clinic)},
        clients={c.legal_name: c for c in Client.objects.filter(clinic=cast.clinic)},
        report=DemoReport(),
    )
    load_demo(context)
    return context


@pytest.fixture
def jordan_course(cast: Cast) -> Course:
    return current_courses_for_clients([cast.clients["client"].pk])[cast.clients["client"].pk]


@pytest.fixture(autouse=True)
def without_portal_demo_rows(cast: Cast) -> None:
    """Most tests start from a client who has not used these pages yet; the demo's mood
    entries and suggestions are removed inside the test's transaction (rolled back after).
    Tests that want them ask for `portal_demo`, which loads them again."""
    from iptcare.portal.models import MoodEntry, PersonSuggestion

    MoodEntry.objects.filter(clinic=cast.clinic).delete()
    PersonSuggestion.objects.filter(clinic=cast.clinic).delete()
