"""The demo clinic (`make run`, `iptcare demo`), tested as the demo.

Only these tests load it (and the browser journeys that walk through it, see
tests/browser/conftest.py); every other test builds its own data with tests/factories.py,
so editing the demo's text breaks nothing but these.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client as HttpClient

from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.clinic.demo import CLIENTS, DEMO_CLINIC_NAME, DEMO_PASSWORD, STAFF, demo_load
from iptcare.clinic.models import Clinic
from iptcare.clinic.selectors import clinic_today, primary_supervisor_of
from iptcare.courses.models import SessionNote
from iptcare.intake.models import IntakeEvent, IntakeRequest
from iptcare.reports.models import PhysicianLetter, SharingConsent, TreatmentReport
from iptcare.reports.selectors import clinic_courses, outcome_totals
from iptcare.supervision.models import FidelityRating, NoteReview, SupervisionMeeting
from iptcare.supervision.selectors import certification_progress, hours_for, month_period


@dataclass
class Demo:
    clinic: Clinic

    def user(self, email: str) -> User:
        return User.objects.get(email=email)

    def client(self, legal_name: str) -> Client:
        return Client.objects.get(clinic=self.clinic, legal_name=legal_name)

    def http(self, email: str) -> HttpClient:
        browser = HttpClient()
        browser.force_login(self.user(email))
        return browser


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker) -> Iterator[None]:
    # Loaded once for this module (it takes seconds) inside a transaction that is rolled
    # back at the end; each test runs in a savepoint of its own within it.
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded: None, db: None) -> Demo:
    cache.clear()
    return Demo(clinic=Clinic.objects.get(name=DEMO_CLINIC_NAME))


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    tables = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "contenttypes", "auth"}:
            continue
        tables[model._meta.label] = sorted(model._default_manager.values_list(), key=repr)
    return tables


def test_loading_the_demo_twice_changes_nothing(demo: Demo, capsys) -> None:
    before = _snapshot()
    call_command("demo")
    assert "nothing changed" in capsys.readouterr().out
    assert _snapshot() == before


def test_loading_the_demo_again_adds_no_intake_data(demo: Demo) -> None:
    counts = (IntakeRequest.objects.count(), IntakeEvent.objects.count(), Client.objects.count())
    report = demo_load()
    assert not [item for item in report.created if "intake" in item or "reflection" in item]
    assert (
        IntakeRequest.objects.count(),
        IntakeEvent.objects.count(),
        Client.objects.count(),
    ) == counts


def test_the_demo_has_every_login_and_enough_clients_across_statuses(demo: Demo) -> None:
    clients = Client.objects.filter(clinic=demo.clinic)
    assert clients.count() >= 12
    assert {c.status for c in clients} == {"intake", "active", "discharged"}
    therapist = demo.user("therapist@demo.iptcare.test")
    assert demo.client("Jordan Lee").therapists.get() == therapist
    assert demo.client("Maria Santos").therapists.get() == demo.user("therapist2@demo.iptcare.test")
    student = demo.user("student@demo.iptcare.test")
    assert primary_supervisor_of(student) == demo.user("supervisor@demo.iptcare.test")
    assert therapist.therapist_profile.profession == "Registered Social Worker"
    assert demo.clinic.time_zone == "America/Toronto"
    assert "9-8-8" in demo.clinic.crisis_resources
    logins = [email for email, *_ in STAFF] + [c[0] for c in CLIENTS if c[0]]
    assert len(logins) == 7
    for email in logins:
        user = demo.user(email)
        assert user.clinic_id == demo.clinic.pk and user.check_password(DEMO_PASSWORD)
    assert Client.objects.get(user__email="client@demo.iptcare.test").legal_name == "Jordan Lee"


def test_the_demo_has_requests_in_every_state_and_one_client(demo: Demo) -> None:
    requests = IntakeRequest.objects.filter(clinic=demo.clinic)
    assert set(requests.values_list("status", flat=True)) == set(IntakeRequest.Status.values)
    # The intake demo's own converted request; the older ones brought the clients of the
    # finished courses (the reports demo, for the outcomes' waiting times).
    converted = requests.exclude(client=None).get(full_name="Olivia Bennett")
    assert converted.client is not None and converted.client.legal_name == "Olivia Bennett"
    older = requests.exclude(client=None).exclude(pk=converted.pk)
    assert {r.client.legal_name for r in older if r.client} == {
        "Ethan Brown",
        "Amira Haddad",
        "Lucas Martin",
    }
    assert IntakeEvent.objects.filter(request=converted, kind="converted").exists()
    assert not User.objects.filter(email=converted.email).exists()


def test_the_demo_has_a_client_not_on_track_and_a_recovered_course(demo: Demo) -> None:
    body = demo.http("therapist2@demo.iptcare.test").get("/home/").content.decode()
    assert "Not on track" in body and "Maria Santos" in body
    ethan = demo.client("Ethan Brown").courses.get()
    page = demo.http("therapist@demo.iptcare.test").get(f"/measures/course/{ethan.pk}/")
    assert "Reliably recovered" in page.content.decode()


def test_the_demo_supervisor_has_returned_rated_and_logged(demo: Demo) -> None:
    supervisor = demo.user("supervisor@demo.iptcare.test")
    student = demo.user("student@demo.iptcare.test")
    returned = NoteReview.objects.get(reviewer=supervisor, decision="returned")
    assert returned.comment and returned.part_comments
    assert returned.note.status == SessionNote.Status.RETURNED
    assert returned.note.author == student
    ratings = FidelityRating.objects.filter(rater=supervisor, kind="supervisor")
    assert ratings.count() == 5
    assert sum(1 for rating in ratings if rating.mean is not None and rating.mean < 3) == 1
    assert SupervisionMeeting.objects.filter(supervisor=supervisor).count() == 3
    progress = certification_progress(student)
    assert len(progress.counted) == 1 and progress.missing  # partly complete
    home = demo.http("student@demo.iptcare.test").get("/home/").content.decode()
    assert "returned to you for revision" in home
    first_session = progress.counted[0].evidence
    assert first_session.sessions_held == 8
    start, end = month_period(returned.note.date)
    assert hours_for(student, period_from=start, period_to=end).sessions


def test_the_demo_has_a_signed_report_a_consent_and_a_letter(demo: Demo) -> None:
    ethan = demo.client("Ethan Brown")
    report = TreatmentReport.objects.get(client=ethan)
    assert report.status == TreatmentReport.Status.FINAL
    assert report.pdf is not None and bytes(report.pdf)[:4] == b"%PDF"
    consent = SharingConsent.objects.get(client=ethan)
    letter = PhysicianLetter.objects.get(client=ethan)
    assert letter.consent == consent and consent.valid_on(letter.letter_date)
    documents = demo.http("therapist@demo.iptcare.test").get(
        f"/reports/courses/{report.course_id}/"
    )
    assert documents.status_code == 200 and "End-of-treatment report" in documents.content.decode()


def test_the_demo_clinic_outcomes_show_every_figure(demo: Demo) -> None:
    today = clinic_today(demo.clinic)
    courses = clinic_courses(clinic=demo.clinic, start=today - timedelta(days=730), end=today)
    totals = outcome_totals(courses)
    assert totals.finished >= 3
    assert all(figure.denominator > 0 for figure in totals.figures), totals.figures
