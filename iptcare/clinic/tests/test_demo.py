from __future__ import annotations

from django.apps import apps
from django.core.management import call_command

from conftest import Cast
from iptcare.clients.models import Client


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    tables = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "contenttypes", "auth"}:
            continue
        tables[model._meta.label] = sorted(model.objects.values_list(), key=repr)
    return tables


def test_loading_the_demo_twice_changes_nothing(cast: Cast, capsys) -> None:
    before = _snapshot()
    call_command("demo")
    assert "nothing changed" in capsys.readouterr().out
    assert _snapshot() == before


def test_the_demo_has_every_login_and_enough_clients_across_statuses(cast: Cast) -> None:
    clients = Client.objects.filter(clinic=cast.clinic)
    assert clients.count() >= 12
    assert {c.status for c in clients} == {"intake", "active", "discharged"}
    assert cast.clients["client"].therapists.get() == cast.users["therapist"]
    assert cast.clients["client2"].therapists.get() == cast.users["therapist2"]
    assert cast.users["student"].therapist_profile.supervisor == cast.users["supervisor"]
    assert cast.users["therapist"].therapist_profile.profession == "Registered Social Worker"
    assert cast.clinic.time_zone == "America/Toronto"
    assert "9-8-8" in cast.clinic.crisis_resources
    for user in cast.users.values():
        if user.clinic_id == cast.clinic.pk:
            assert user.check_password("iptcare-demo")
