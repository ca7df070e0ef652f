"""Fidelity scales as data: the scale IPTCare ships, and loading a clinic's own from a
file (page and command share one check; a bad file names its field and saves nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from conftest import Cast
from iptcare.supervision import selectors, services
from iptcare.supervision.models import FidelityItem, FidelityScale
from iptcare.supervision.scales import SHIPPED_CODE, SHIPPED_FILE
from iptcare.supervision.scales.fileformat import MAX_BYTES, ScaleFileError, read_scale_file
from tests import factories


def clinic_scale(**changes: Any) -> dict[str, Any]:
    """A small valid clinic scale, as the JSON object of its file."""
    scale: dict[str, Any] = {
        "format": "iptcare-fidelity-scale/1",
        "code": "clinic-checklist",
        "name": "Our clinic's checklist",
        "version": "1",
        "range": {"min": 1, "max": 5},
        "not_applicable": False,
        "items": [
            {
                "code": f"item-{n}",
                "group": group,
                "phases": phases,
                "text": f"Item {n}",
                "anchors": {"1": "Not done", "5": "Done well"},
            }
            for n, (group, phases) in enumerate(
                [
                    ("initial", ["initial"]),
                    ("middle", ["middle"]),
                    ("termination", ["termination"]),
                    ("stance", ["initial", "middle", "termination"]),
                ]
            )
        ],
    }
    scale.update(changes)
    return scale


def as_bytes(scale: dict[str, Any]) -> bytes:
    return json.dumps(scale).encode()


def test_the_shipped_scale_is_in_every_database_without_a_command(cast: Cast) -> None:
    FidelityItem.objects.filter(scale__clinic__isnull=True).delete()  # as after a flush
    FidelityScale.objects.filter(clinic__isnull=True).delete()
    scale = selectors.fidelity_scale_of(cast.clinic.pk)
    assert (scale.code, scale.clinic_id, scale.score_min, scale.score_max) == (
        SHIPPED_CODE,
        None,
        1,
        5,
    )
    assert scale.allows_not_applicable
    groups = {i.group: 0 for i in scale.items.all()}
    for item in scale.items.all():
        groups[item.group] += 1
    assert groups == {"initial": 7, "middle": 6, "termination": 3, "stance": 4}
    stance = scale.items.filter(group="stance").first()
    assert stance is not None and stance.phases == ["initial", "middle", "termination"]
    # Asked again: the same scale, not a second copy.
    assert selectors.fidelity_scale_of(cast.clinic.pk).pk == scale.pk
    assert FidelityScale.objects.filter(code=SHIPPED_CODE).count() == 1


def test_the_shipped_file_passes_the_same_check_as_a_clinics_file() -> None:
    spec = read_scale_file(SHIPPED_FILE.read_bytes())
    assert spec.code == SHIPPED_CODE and len(spec.items) == 20
    assert all(set(item.anchors) == {"1", "3", "5"} for item in spec.items)


def test_a_good_file_is_loaded_and_a_new_version_is_a_new_scale(cast: Cast) -> None:
    actor = factories.actor(cast.users["admin"], "administrator")
    first = services.fidelity_scale_import(
        actor=actor, clinic_id=cast.clinic.pk, content=as_bytes(clinic_scale())
    )
    assert first.items.count() == 4
    assert first.items.get(code="item-0").anchors == {"1": "Not done", "5": "Done well"}
    second = services.fidelity_scale_import(
        actor=actor, clinic_id=cast.clinic.pk, content=as_bytes(clinic_scale(version="2"))
    )
    assert second.pk != first.pk
    assert selectors.fidelity_scale_by_code(cast.clinic.pk, "clinic-checklist") == second
    first.refresh_from_db()
    assert first.items.count() == 4  # the old version stays for the ratings made with it


def test_the_same_version_twice_or_the_shipped_code_is_refused(cast: Cast) -> None:
    actor = factories.actor(cast.users["admin"], "administrator")
    services.fidelity_scale_import(
        actor=actor, clinic_id=cast.clinic.pk, content=as_bytes(clinic_scale())
    )
    with pytest.raises(ScaleFileError, match="^version: "):
        services.fidelity_scale_import(
            actor=actor, clinic_id=cast.clinic.pk, content=as_bytes(clinic_scale())
        )
    with pytest.raises(ScaleFileError, match="^code: "):
        services.fidelity_scale_import(
            actor=actor, clinic_id=cast.clinic.pk, content=as_bytes(clinic_scale(code=SHIPPED_CODE))
        )


def _with_item(n: int, **changes: Any) -> dict[str, Any]:
    scale = clinic_scale()
    scale["items"][n].update(changes)
    return scale


def _without(field: str) -> dict[str, Any]:
    scale = clinic_scale()
    del scale[field]
    return scale


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "not JSON": (b'{"code": "x",', "file: not JSON"),
    "not an object": (b"[1, 2]", "file: must hold one JSON object"),
    "missing field": (as_bytes(_without("name")), "name: missing"),
    "bad range": (as_bytes(clinic_scale(range={"min": 5, "max": 1})), "range: min (5)"),
    "range not numbers": (as_bytes(clinic_scale(range={"min": "1", "max": 5})), "range.min:"),
    "anchor outside the range": (
        as_bytes(_with_item(3, anchors={"1": "a", "7": "b"})),
        "items[3].anchors.7: outside the scale's range 1–5",
    ),
    "unknown phase": (
        as_bytes(_with_item(0, phases=["initial", "ending"])),
        "items[0].phases[1]: unknown phase 'ending'",
    ),
    "duplicate item code": (
        as_bytes(_with_item(2, code="item-0")),
        'items[2].code: "item-0" is already the code of items[0]',
    ),
    "huge file": (b" " * (MAX_BYTES + 1), "file: larger than 256 KB"),
    "NUL bytes": (as_bytes(clinic_scale()).replace(b"Item 1", b"Item\x001"), "file: contains NUL"),
    "not UTF-8": (b'{"name": "\xff"}', "file: not UTF-8"),
    "unknown field": (as_bytes(clinic_scale(colour="red")), "colour: unknown field"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_a_bad_file_names_its_field_and_saves_nothing(cast: Cast, case: str) -> None:
    content, expected = BAD_FILES[case]
    before = (FidelityScale.objects.count(), FidelityItem.objects.count())
    with pytest.raises(ScaleFileError) as caught:
        services.fidelity_scale_import(
            actor=factories.actor(cast.users["admin"], "administrator"),
            clinic_id=cast.clinic.pk,
            content=content,
        )
    assert any(problem.startswith(expected) for problem in caught.value.problems), (
        caught.value.problems
    )
    assert (FidelityScale.objects.count(), FidelityItem.objects.count()) == before


def _run(*args: str) -> int:
    """`iptcare fidelity-scale ARGS`'s exit status. Run in this process through
    call_command: `iptcare`'s own entry point closes the database connections when a
    command ends, which would end the test's transaction (on PostgreSQL)."""
    try:
        call_command("fidelity-scale", *args)
    except SystemExit as exit:
        return int(exit.code or 0)
    except CommandError as error:
        return error.returncode
    return 0


@pytest.mark.parametrize("case", ["missing field", "anchor outside the range", "NUL bytes"])
def test_the_command_exits_2_on_a_bad_file_and_names_the_field(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    content, expected = BAD_FILES[case]
    path = tmp_path / "scale.json"
    path.write_bytes(content)
    before = FidelityScale.objects.count()
    assert _run("import", str(path), "--clinic", str(cast.clinic.pk)) == 2
    err = capsys.readouterr().err
    assert expected in err and "nothing was saved" in err
    assert FidelityScale.objects.count() == before


def test_the_command_loads_a_good_file_and_says_what(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scale.json"
    path.write_bytes(as_bytes(clinic_scale()))
    assert _run("import", str(path), "--clinic", str(cast.clinic.pk)) == 0
    out = capsys.readouterr().out
    assert "Loaded Our clinic's checklist (code clinic-checklist, version 1): 4 items" in out
    assert FidelityScale.objects.filter(clinic=cast.clinic, code="clinic-checklist").exists()


def test_the_command_refuses_a_missing_file_or_clinic(cast: Cast, tmp_path: Path) -> None:
    assert _run("import", str(tmp_path / "none.json"), "--clinic", str(cast.clinic.pk)) == 2
    path = tmp_path / "scale.json"
    path.write_bytes(as_bytes(clinic_scale()))
    assert _run("import", str(path), "--clinic", "999999") == 2


def test_the_page_loads_a_file_and_shows_the_errors_of_a_bad_one(cast: Cast) -> None:
    browser = cast.http("admin")
    bad = SimpleUploadedFile("s.json", as_bytes(_with_item(3, anchors={"7": "x"})))
    page = browser.post("/supervision/fidelity/scales/", {"action": "upload", "file": bad})
    assert page.status_code == 200
    assert "items[3].anchors.7: outside the scale&#x27;s range 1–5" in page.content.decode()
    assert not FidelityScale.objects.filter(code="clinic-checklist").exists()
    good = SimpleUploadedFile("s.json", as_bytes(clinic_scale()))
    page = browser.post("/supervision/fidelity/scales/", {"action": "upload", "file": good})
    assert page.status_code == 302
    assert FidelityScale.objects.filter(clinic=cast.clinic, code="clinic-checklist").exists()


def test_the_page_picks_the_clinics_scale_and_pass_mark_version_checked(cast: Cast) -> None:
    services.fidelity_scale_import(
        actor=factories.actor(cast.users["admin"], "administrator"),
        clinic_id=cast.clinic.pk,
        content=as_bytes(clinic_scale()),
    )
    browser = cast.http("admin")
    data = {
        "action": "settings",
        "scale_code": "clinic-checklist",
        "pass_mark": "3.5",
        "cosign_limit_days": "10",
        "certification_standard": "two-portfolio-cases",
    }
    assert (
        browser.post("/supervision/fidelity/scales/", {**data, "version": "0"}).status_code == 302
    )
    settings = selectors.supervision_settings(cast.clinic.pk)
    assert (settings.fidelity_scale_code, str(settings.pass_mark)) == ("clinic-checklist", "3.5")
    assert settings.cosign_limit_days == 10
    assert settings.certification_standard_code == "two-portfolio-cases"
    assert selectors.fidelity_scale_of(cast.clinic.pk).code == "clinic-checklist"
    # A second tab still holding version 0 is refused; nothing changes.
    stale = browser.post(
        "/supervision/fidelity/scales/", {**data, "pass_mark": "2", "version": "0"}
    )
    assert "changed elsewhere" in stale.content.decode()
    bad = browser.post(
        "/supervision/fidelity/scales/",
        {**data, "pass_mark": "²", "version": str(settings.version)},
    )
    assert bad.status_code == 200 and "field__error" in bad.content.decode()
    out_of_range = browser.post(
        "/supervision/fidelity/scales/",
        {**data, "pass_mark": "9", "version": str(settings.version)},
    )
    assert "within the scale&#x27;s range 1–5" in out_of_range.content.decode()
    assert str(selectors.supervision_settings(cast.clinic.pk).pass_mark) == "3.5"
