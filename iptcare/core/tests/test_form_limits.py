"""Every staff form bounds free text, dates, numbers and row ids (`iptcare.core.forms`)."""

from __future__ import annotations

import inspect
from datetime import date, timedelta
from importlib import import_module

import pytest
from django import forms
from django.forms.utils import ErrorDict
from django.test import Client as HttpClient
from django.urls import reverse

from conftest import Cast
from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.clients.services import client_create
from iptcare.core.forms import TEXT_MAX, LimitedForm, LimitedInput
from iptcare.courses.models import SessionNote
from iptcare.courses.services import course_open, note_open
from iptcare.courses.tests.conftest import actor_for, clinic_today_for_tests
from iptcare.formulation.models import Episode, LifeEvent
from tests.factories import open_course

ONE_MEGABYTE = "x" * 1_048_576
FAR_FUTURE = "9999-12-31"
RANGE_MESSAGE = "Enter a date between 1900 and 2100."

STAFF_FORM_MODULES = [
    "iptcare.clients.forms",
    "iptcare.clinic.forms",
    "iptcare.courses.forms",
    "iptcare.formulation.forms",
    "iptcare.intake.forms",
    "iptcare.scheduling.forms",
]


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for name in STAFF_FORM_MODULES:
        module = import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, forms.BaseForm)
                and value.__module__ == name
                and not value.__name__.startswith("_")
            ):
                found.append(value)
    return found


@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda c: c.__qualname__)
def test_every_staff_form_bounds_its_input(form_class: type[forms.BaseForm]) -> None:
    assert issubclass(form_class, LimitedInput)


class _Sample(LimitedForm):
    note = forms.CharField(widget=forms.Textarea, required=False)
    title = forms.CharField(required=False)
    capped = forms.CharField(max_length=20, required=False)
    on = forms.DateField(required=False)
    count = forms.IntegerField(required=False)
    who = forms.ModelMultipleChoiceField(queryset=User.objects.all(), required=False)
    one = forms.ModelChoiceField(queryset=User.objects.all(), required=False)


def _errors(**data: object) -> ErrorDict:
    form = _Sample(data)
    form.is_valid()
    return form.errors


def test_free_text_has_a_length_limit_with_a_clear_message() -> None:
    errors = _errors(note=ONE_MEGABYTE, title="t" * 301)
    assert errors["note"] == [
        f"Keep this to {TEXT_MAX:,} characters or fewer (it has {len(ONE_MEGABYTE)})."
    ]
    assert errors["title"] == ["Keep this to 300 characters or fewer (it has 301)."]
    assert _errors(note="n" * TEXT_MAX, title="t" * 300) == {}
    assert 'maxlength="10000"' in str(_Sample()["note"])


def test_a_limit_already_set_is_kept() -> None:
    assert "capped" in _errors(capped="c" * 21)
    capped = _Sample().fields["capped"]
    assert isinstance(capped, forms.CharField) and capped.max_length == 20


@pytest.mark.parametrize("day", [FAR_FUTURE, "2101-01-01", "1899-12-31", "0001-01-01"])
def test_a_date_outside_1900_to_2100_is_refused(day: str) -> None:
    assert _errors(on=day) == {"on": [RANGE_MESSAGE]}


@pytest.mark.parametrize("day", ["1900-01-01", "2026-08-04", "2100-12-31"])
def test_a_date_inside_the_range_is_accepted(day: str) -> None:
    assert _errors(on=day) == {}


def test_a_huge_number_is_refused_before_it_reaches_the_database() -> None:
    assert "count" in _errors(count="9" * 30)
    assert _errors(count="12") == {}


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["9" * 30, "²", "１", "-1"])
def test_a_row_id_that_cannot_exist_is_not_one_of_the_choices(junk: str) -> None:
    errors = _errors(who=[junk], one=junk)
    assert str(errors["who"][0]).startswith("Select a valid choice.")
    assert str(errors["one"][0]).startswith("Select a valid choice.")


@pytest.mark.django_db
def test_a_real_row_id_is_still_chosen(cast: Cast) -> None:
    user = cast.users["therapist"]
    form = _Sample({"who": [str(user.pk)], "one": str(user.pk)})
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["who"]) == [user] and form.cleaned_data["one"] == user


# --- on the pages --------------------------------------------------------------------------


def _browser(cast: Cast, role: str) -> HttpClient:
    browser = HttpClient(raise_request_exception=False)
    browser.force_login(cast.users[role])
    return browser


def test_a_timeline_event_in_the_year_9999_is_refused_and_the_timeline_still_loads(
    cast: Cast,
) -> None:
    course = open_course(cast.clients["client"])
    browser = _browser(cast, "therapist")
    before = LifeEvent.objects.count()
    answer = browser.post(
        reverse("formulation:event_create", kwargs={"course_id": course.pk}),
        {"code": "illness_injury", "starts_on": FAR_FUTURE, "ends_on": FAR_FUTURE},
    )
    assert answer.status_code == 200 and RANGE_MESSAGE in answer.content.decode()
    assert LifeEvent.objects.count() == before
    timeline = browser.get(reverse("formulation:timeline", kwargs={"course_id": course.pk}))
    assert timeline.status_code == 200


def test_a_timeline_episode_in_the_year_9999_is_refused(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    before = Episode.objects.count()
    answer = _browser(cast, "therapist").post(
        reverse("formulation:episode_create", kwargs={"course_id": course.pk}),
        {"starts_on": FAR_FUTURE},
    )
    assert answer.status_code == 200 and RANGE_MESSAGE in answer.content.decode()
    assert Episode.objects.count() == before


def test_a_person_on_a_timeline_event_with_a_huge_id_is_refused(cast: Cast) -> None:
    course = open_course(cast.clients["client"])
    before = LifeEvent.objects.count()
    answer = _browser(cast, "therapist").post(
        reverse("formulation:event_create", kwargs={"course_id": course.pk}),
        {"code": "illness_injury", "starts_on": "2024-05-01", "people": ["9" * 30]},
    )
    assert answer.status_code == 200 and "Select a valid choice" in answer.content.decode()
    assert LifeEvent.objects.count() == before


def test_a_megabyte_in_a_session_note_is_refused_and_nothing_is_saved(cast: Cast) -> None:
    actor = actor_for(cast, "therapist")
    today = clinic_today_for_tests()
    client = client_create(
        actor=actor_for(cast, "admin"),
        clinic=cast.clinic,
        legal_name="Nora Notes",
        date_of_birth=date(1990, 5, 1),
        therapists=[cast.users["therapist"]],
        status="active",
    )
    course = course_open(
        actor=actor,
        client=client,
        protocol="standard",
        therapist=cast.users["therapist"],
        start_date=today - timedelta(weeks=2),
        planned_sessions=16,
        frequency="weekly",
    )
    note = note_open(actor=actor, course=course, date=today - timedelta(days=1))
    answer = _browser(cast, "therapist").post(
        reverse("courses:note_autosave", kwargs={"course_id": course.pk, "note_id": note.pk}),
        {
            "version": note.version,
            "date": note.date.isoformat(),
            "attendance": "attended",
            "focus_work": ONE_MEGABYTE,
        },
    )
    assert answer.status_code < 500
    assert "Keep this to 10,000 characters or fewer" in answer.content.decode()
    assert SessionNote.objects.get(pk=note.pk).version == note.version


def test_a_megabyte_in_a_clients_presenting_concerns_is_refused(cast: Cast) -> None:
    client = cast.clients["client"]
    answer = _browser(cast, "admin").post(
        reverse("clients:edit", kwargs={"pk": client.pk}),
        {
            "legal_name": client.legal_name,
            "date_of_birth": client.date_of_birth.isoformat(),
            "status": client.status,
            "presenting_concerns": ONE_MEGABYTE,
        },
    )
    assert answer.status_code < 500
    assert "Keep this to 10,000 characters or fewer" in answer.content.decode()
    assert Client.objects.get(pk=client.pk).presenting_concerns != ONE_MEGABYTE


def test_a_course_starting_in_the_year_9999_is_refused(cast: Cast) -> None:
    client = cast.clients["client"]
    answer = _browser(cast, "therapist").post(
        reverse("courses:new"),
        {
            "client": client.pk,
            "protocol": "standard",
            "planned_sessions": 16,
            "frequency": "weekly",
            "start_date": FAR_FUTURE,
        },
    )
    assert answer.status_code < 500 and RANGE_MESSAGE in answer.content.decode()


def test_time_off_in_the_year_9999_is_refused(cast: Cast) -> None:
    answer = _browser(cast, "therapist").post(
        reverse("scheduling:availability"),
        {"action": "time_off", "starts_on": FAR_FUTURE, "ends_on": FAR_FUTURE, "reason": "x"},
    )
    assert answer.status_code < 500 and RANGE_MESSAGE in answer.content.decode()
