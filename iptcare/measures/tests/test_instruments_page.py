"""The clinic administrator chooses the questionnaires the clinic uses."""

from __future__ import annotations

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.measures.models import ClinicInstrument
from iptcare.measures.selectors import enabled_codes

URL = "/measures/instruments/"


def test_epds_is_off_with_its_licence_note_until_the_administrator_turns_it_on(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    browser = cast.http("admin")
    page = browser.get(URL).content.decode()
    assert "Turn on EPDS" in page and "Turn off PHQ-9" in page
    assert "Royal College of Psychiatrists" in page and "Licence:" in page
    assert "epds" not in enabled_codes(cast.clinic.pk)

    # The cached choice is cleared once the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(URL, {"code": "epds", "enabled": "on"}, follow=True)
    assert "EPDS turned on." in done.content.decode()
    assert "Turn off EPDS" in done.content.decode()
    assert "epds" in enabled_codes(cast.clinic.pk)
    entry = AccessEntry.objects.filter(object_type="measures.clinicinstrument").latest("pk")
    assert (entry.object_id, entry.detail, entry.user) == (
        "epds",
        "epds enabled",
        cast.users["admin"],
    )
    assert entry.acting_role == "administrator"


def test_turning_a_questionnaire_off_stops_it_being_given(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    browser = cast.http("admin")
    assert "gad7" in enabled_codes(cast.clinic.pk)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(URL, {"code": "gad7", "enabled": "off"})
    assert "gad7" not in enabled_codes(cast.clinic.pk)
    assert not ClinicInstrument.objects.get(clinic=cast.clinic, code="gad7").enabled


def test_an_unknown_questionnaire_or_choice_gets_a_message_and_changes_nothing(
    cast: Cast,
) -> None:
    browser = cast.http("admin")
    before = AccessEntry.objects.count()
    unknown = browser.post(URL, {"code": "beck", "enabled": "on"})
    assert unknown.status_code == 400
    assert "not an instrument IPTCare knows" in unknown.content.decode()
    unclear = browser.post(URL, {"code": "epds", "enabled": "maybe"})
    assert unclear.status_code == 400 and "Nothing has been changed" in unclear.content.decode()
    assert not ClinicInstrument.objects.filter(clinic=cast.clinic).exists()
    assert AccessEntry.objects.count() == before


def test_only_administrators_may_change_the_questionnaires(cast: Cast) -> None:
    for role in ("therapist", "supervisor", "client"):
        assert cast.http(role).post(URL, {"code": "epds", "enabled": "on"}).status_code == 403
    assert "epds" not in enabled_codes(cast.clinic.pk)


def test_one_clinic_choice_does_not_change_another_clinic(cast: Cast) -> None:
    cast.http("admin").post(URL, {"code": "epds", "enabled": "on"})
    assert "epds" not in enabled_codes(cast.other_clinic.pk)


def test_the_administrator_home_links_to_the_questionnaires(cast: Cast) -> None:
    assert f'href="{URL}"' in cast.http("admin").get("/home/").content.decode()
    assert f'href="{URL}"' not in cast.http("therapist").get("/home/").content.decode()


def test_every_worker_sees_the_change_at_once_through_the_shared_cache(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    """Two gunicorn workers are two processes: the choice is cached in the database (one
    cache for both), and the change clears it there. A second DatabaseCache object on the
    same table stands in for the other worker: an in-process cache would not be seen."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    from iptcare.measures.selectors import enabled_cache_key

    assert isinstance(caches["default"], DatabaseCache)
    other_worker = DatabaseCache("iptcare_cache", {})
    key = enabled_cache_key(cast.clinic.pk)
    assert "epds" not in enabled_codes(cast.clinic.pk)  # this worker fills the cache
    assert "epds" not in other_worker.get(key)  # and the other worker reads that entry
    with django_capture_on_commit_callbacks(execute=True):
        cast.http("admin").post(URL, {"code": "epds", "enabled": "on"})
    assert other_worker.get(key) is None  # cleared for everyone, not only here
    assert "epds" in enabled_codes(cast.clinic.pk)
