"""The FHIR export from the command line and the administrator's clinic-wide job."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.clients.models import Client
from iptcare.reports import fhir, services
from iptcare.reports.models import FhirExport
from tests import factories

pytestmark = pytest.mark.django_db


def _patients(content: str) -> list[str]:
    data = json.loads(content)
    return [
        e["resource"]["identifier"][0]["value"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Patient"
    ]


# --- iptcare export-fhir -------------------------------------------------------------------


def test_one_client_is_written_to_stdout(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    client = cast.clients["client"]
    factories.signed_note(factories.open_course(client))
    call_command("export-fhir", "--client", client.chart_number, "--clinic-id", str(cast.clinic.pk))
    out, err = capsys.readouterr()
    Bundle.model_validate_json(out)
    assert _patients(out) == [client.chart_number]
    assert err == ""
    assert AccessEntry.objects.filter(client=client, action="export", acting_role="system").exists()


def test_the_clinic_holds_every_client_of_that_clinic_only(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("export-fhir", "--clinic", "--clinic-id", str(cast.clinic.pk))
    out, _ = capsys.readouterr()
    Bundle.model_validate_json(out)
    mine = Client.objects.filter(clinic=cast.clinic).values_list("chart_number", flat=True)
    assert sorted(_patients(out)) == sorted(mine)
    assert json.loads(out)["id"] == fhir.resource_id(cast.clinic.pk, "bundle", "clinic")


@pytest.mark.parametrize(
    "chart",
    ["NO-SUCH-CHART", "x" * 5000, "12\x0034", "²", ""],
    ids=["unknown", "huge", "nul", "sup", "empty"],
)
def test_an_unknown_chart_number_exits_2_and_writes_nothing_on_stdout(
    cast: Cast, capsys: pytest.CaptureFixture[str], chart: str
) -> None:
    before = AccessEntry.objects.filter(action="export").count()
    with pytest.raises(CommandError) as raised:
        call_command("export-fhir", "--client", chart, "--clinic-id", str(cast.clinic.pk))
    assert raised.value.returncode == 2
    assert "No client with chart number" in str(raised.value)
    out, _ = capsys.readouterr()
    assert out == ""
    assert AccessEntry.objects.filter(action="export").count() == before


def test_another_clinics_chart_number_is_unknown_here(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    other = cast.clients["other"]
    # Chart numbers repeat across clinics: look for one only the other clinic has.
    mine = set(Client.objects.filter(clinic=cast.clinic).values_list("chart_number", flat=True))
    if other.chart_number in mine:
        Client.objects.filter(pk=other.pk).update(chart_number="ONLY-THERE")
        other.refresh_from_db()
    with pytest.raises(CommandError) as raised:
        call_command(
            "export-fhir", "--client", other.chart_number, "--clinic-id", str(cast.clinic.pk)
        )
    assert raised.value.returncode == 2
    assert capsys.readouterr().out == ""


def test_several_clinics_need_a_clinic_id(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("export-fhir", "--clinic")
    assert raised.value.returncode == 2
    assert "--clinic-id" in str(raised.value)
    with pytest.raises(CommandError) as raised:
        call_command("export-fhir", "--clinic", "--clinic-id", "999999")
    assert raised.value.returncode == 2
    assert capsys.readouterr().out == ""


def test_client_or_clinic_must_be_said_but_not_both(cast: Cast) -> None:
    with pytest.raises(CommandError):
        call_command("export-fhir")
    with pytest.raises(CommandError):
        call_command("export-fhir", "--clinic", "--client", "1")


# --- The administrator's clinic-wide export ------------------------------------------------


def test_the_administrator_starts_the_job_and_downloads_the_file(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    factories.signed_note(factories.open_course(cast.clients["client"]))
    admin = cast.http("admin")
    page = admin.get(reverse("reports:fhir_exports"))
    assert page.status_code == 200 and b"No export yet" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("reports:fhir_exports"))
    assert response.status_code == 302
    job = FhirExport.objects.get(clinic=cast.clinic)
    assert job.requested_by == cast.users["admin"]
    assert job.status == FhirExport.Status.DONE  # Q_SYNC: the task ran at once
    clients = Client.objects.filter(clinic=cast.clinic).count()
    assert (job.done, job.total) == (clients, clients)
    assert job.size == len(job.content.encode()) > 0
    page = admin.get(reverse("reports:fhir_exports"))
    assert b"Ready to download" in page.content
    download_url = reverse("reports:fhir_export_download", args=[job.pk])
    assert download_url.encode() in page.content

    exports = AccessEntry.objects.filter(action="export", client=None).count()
    download = admin.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/fhir+json"
    assert job.filename in download["Content-Disposition"]
    bundle = Bundle.model_validate_json(download.content)
    assert len(_patients(download.content.decode())) == clients
    assert bundle.id == fhir.resource_id(cast.clinic.pk, "bundle", "clinic")
    assert AccessEntry.objects.filter(action="export", client=None).count() == exports + 1
    # Each client's record read by the job is in that client's access log.
    for client in Client.objects.filter(clinic=cast.clinic):
        assert AccessEntry.objects.filter(
            client=client, action="export", user=cast.users["admin"]
        ).exists()


def test_progress_is_shown_and_polled_until_the_job_is_finished(cast: Cast) -> None:
    job = FhirExport.objects.create(
        clinic=cast.clinic, requested_by=cast.users["admin"], status="running", done=3, total=8
    )
    row = cast.http("admin").get(reverse("reports:fhir_export_progress", args=[job.pk]))
    assert row.status_code == 200
    text = row.content.decode()
    assert "3 of 8 clients" in text and 'hx-trigger="every 2s"' in text
    assert 'value="3"' in text
    # Not ready: nothing to download yet.
    url = reverse("reports:fhir_export_download", args=[job.pk])
    assert cast.http("admin").get(url).status_code == 404
    FhirExport.objects.filter(pk=job.pk).update(status="done", done=8, content="{}", size=2)
    row = cast.http("admin").get(reverse("reports:fhir_export_progress", args=[job.pk]))
    assert "hx-trigger" not in row.content.decode()


def test_the_job_steps_through_the_clients_and_reports_each_step(cast: Cast, monkeypatch) -> None:
    monkeypatch.setattr(services, "FHIR_EXPORT_STEP", 2)
    seen: list[tuple[int, int]] = []
    content = services.fhir_clinic_bundle(
        actor=factories.SYSTEM,
        clinic=cast.clinic,
        detail="test",
        progress=lambda done, total: seen.append((done, total)),
    )
    total = Client.objects.filter(clinic=cast.clinic).count()
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert len(seen) == 1 + (total + 1) // 2
    # One Organization and each therapist once, however many steps.
    kinds = [e["resource"]["resourceType"] for e in json.loads(content)["entry"]]
    assert kinds.count("Organization") == 1
    ids = _practitioner_ids(content)
    assert len(ids) == len(set(ids)) > 0


def _practitioner_ids(content: str) -> list[str]:
    return [
        e["resource"]["id"]
        for e in json.loads(content)["entry"]
        if e["resource"]["resourceType"] == "Practitioner"
    ]


def test_a_finished_job_is_not_run_again(cast: Cast) -> None:
    job = FhirExport.objects.create(
        clinic=cast.clinic, requested_by=cast.users["admin"], status="done", content="{}"
    )
    services.fhir_clinic_export_run(job.pk)
    job.refresh_from_db()
    assert job.content == "{}"
    services.fhir_clinic_export_run(999999)  # gone: nothing to do, no error


def test_another_clinics_job_is_404(cast: Cast) -> None:
    job = FhirExport.objects.create(
        clinic=cast.clinic, requested_by=cast.users["admin"], status="done", content="{}"
    )
    other = cast.http("other_admin")
    assert other.get(reverse("reports:fhir_export_download", args=[job.pk])).status_code == 404
    assert other.get(reverse("reports:fhir_export_progress", args=[job.pk])).status_code == 404
    assert b"fhir-clinic" not in other.get(reverse("reports:fhir_exports")).content


@pytest.mark.parametrize("role", ["therapist", "supervisor", "client"])
def test_only_administrators_start_it(cast: Cast, role: str) -> None:
    assert cast.http(role).post(reverse("reports:fhir_exports")).status_code == 403
    assert not FhirExport.objects.exists()


def test_a_second_export_waits_for_the_first(cast: Cast) -> None:
    FhirExport.objects.create(
        clinic=cast.clinic, requested_by=cast.users["admin"], status="running"
    )
    response = cast.http("admin").post(reverse("reports:fhir_exports"), follow=True)
    assert response.status_code == 200
    assert b"An export is already running" in response.content
    assert FhirExport.objects.count() == 1


@pytest.mark.parametrize("bad", ["0", "99999999999999999999"])
def test_made_up_job_ids_are_404(cast: Cast, bad: str) -> None:
    for name in ("fhir_export_progress", "fhir_export_download"):
        url = reverse(f"reports:{name}", args=[1]).replace("/1/", f"/{bad}/")
        assert cast.http("admin").get(url).status_code == 404
