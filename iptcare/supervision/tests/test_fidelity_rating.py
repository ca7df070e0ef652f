"""Rating a session from its note: the supervisor of the note's author, and the author
themselves; bad input refused beside its field with nothing saved."""

from __future__ import annotations

import json

import pytest

from conftest import Cast
from iptcare.courses.models import SessionNote
from iptcare.supervision import selectors, services
from iptcare.supervision.models import FidelityRating, FidelityScore
from iptcare.supervision.services import FidelityError, FidelityErrors
from iptcare.supervision.tests.test_fidelity_import import clinic_scale
from tests import factories


def student_notes(cast: Cast, count: int = 5) -> list[SessionNote]:
    course = factories.open_course(cast.clients["student_client"], weeks_ago=count + 1)
    return factories.signed_notes(course, count)


def scores_for(note: SessionNote, value: int | None) -> dict[str, int | None]:
    scale = selectors.fidelity_scale_of(note.clinic_id)
    phase = selectors.note_phase(note).value
    return {item.code: value for item in scale.items.all() if item.applies_to(phase)}


def rate(cast: Cast, note: SessionNote, value: int | None = 4, **kwargs: object) -> FidelityRating:
    role = kwargs.pop("role", "supervisor")
    kind = "self" if role == "student" else "supervisor"
    params: dict = {"scores": scores_for(note, value), **kwargs}
    return services.fidelity_rate(
        actor=factories.actor(cast.users[str(role)], str(role)),
        note=note,
        kind=kind,
        **params,
    )


def test_the_supervisor_rates_the_items_of_the_sessions_phase_and_the_mean_is_kept(
    cast: Cast,
) -> None:
    note = student_notes(cast, 1)[0]  # session 1: the initial phase
    scores = scores_for(note, 4)
    assert "sick-role" in scores and "active" in scores and "communication-analysis" not in scores
    scores["sick-role"] = 2
    scores["inventory"] = None  # not applicable
    rating = services.fidelity_rate(
        actor=factories.actor(cast.users["supervisor"], "supervisor"),
        note=note,
        kind="supervisor",
        scores=scores,
        recording_reference="session-1.mp4 on the clinic drive",
        comment="Good start.",
    )
    assert (rating.phase, rating.kind, rating.rater_id) == (
        "initial",
        "supervisor",
        cast.users["supervisor"].pk,
    )
    # 7 initial and 4 stance items, one not applicable: nine 4s and one 2 -> 38 / 10
    assert str(rating.mean) == "3.80"
    assert FidelityScore.objects.filter(rating=rating, score__isnull=True).count() == 1


def test_the_author_rates_their_own_session_and_both_show_side_by_side(cast: Cast) -> None:
    note = student_notes(cast, 4)[3]  # session 4: the middle phase
    rate(cast, note, 4)
    rate(cast, note, 5, role="student")
    page = cast.http("supervisor").get(f"/supervision/fidelity/notes/{note.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Self-rating" in html and "Supervisor&#x27;s rating" in html
    assert "Pat" in html  # the client's header
    ratings = selectors.fidelity_ratings_of_note(note)
    rows = selectors.side_by_side(list(ratings[0].scale.items.filter(group="middle")), ratings)
    assert rows[0].scores == ["5", "4"]  # the self-rating first


def test_a_second_save_edits_the_rating_and_a_stale_one_is_refused(cast: Cast) -> None:
    note = student_notes(cast, 1)[0]
    first = rate(cast, note, 3)
    again = rate(cast, note, 5, version=first.version)
    assert again.pk == first.pk and again.version == first.version + 1
    assert str(again.mean) == "5.00"
    with pytest.raises(FidelityError, match="changed elsewhere"):
        rate(cast, note, 1, version=first.version)
    assert FidelityRating.objects.get(pk=first.pk).mean == again.mean
    assert FidelityRating.objects.filter(note=note).count() == 1


def _refused(cast: Cast, note: SessionNote, scores: dict[str, int | None]) -> FidelityErrors:
    with pytest.raises(FidelityErrors) as caught:
        services.fidelity_rate(
            actor=factories.actor(cast.users["supervisor"], "supervisor"),
            note=note,
            kind="supervisor",
            scores=scores,
        )
    assert not FidelityRating.objects.filter(note=note).exists()
    return caught.value


def test_a_score_outside_the_range_is_refused_beside_its_item(cast: Cast) -> None:
    note = student_notes(cast, 1)[0]
    scores = scores_for(note, 3)
    scores["contract"] = 7
    errors = _refused(cast, note, scores).errors
    assert [(e.field, str(e)) for e in errors] == [
        ("item_contract", "The score must be within 1–5.")
    ]


def test_an_item_of_another_phase_is_refused(cast: Cast) -> None:
    note = student_notes(cast, 1)[0]
    scores = {**scores_for(note, 3), "rehearsal": 4}
    errors = _refused(cast, note, scores).errors
    assert errors[0].field == "item_rehearsal"
    assert "does not apply to the initial phase" in str(errors[0])


def test_not_applicable_is_refused_where_the_scale_has_none(cast: Cast) -> None:
    admin = factories.actor(cast.users["admin"], "administrator")
    services.fidelity_scale_import(
        actor=admin, clinic_id=cast.clinic.pk, content=json.dumps(clinic_scale()).encode()
    )
    services.supervision_settings_update(
        actor=admin,
        clinic_id=cast.clinic.pk,
        scale_code="clinic-checklist",
        pass_mark=selectors.supervision_settings(cast.clinic.pk).pass_mark,
        cosign_limit_days=7,
        certification_standard_code="three-supervised-cases",
        version=0,
    )
    note = student_notes(cast, 1)[0]
    errors = _refused(cast, note, {"item-0": None, "item-3": 4}).errors
    assert errors[0].field == "item_item-0" and "no “not applicable”" in str(errors[0])


def test_someone_who_does_not_supervise_the_author_cannot_rate_or_see(cast: Cast) -> None:
    course = factories.open_course(cast.clients["client"], weeks_ago=3)
    note = factories.signed_note(course)  # therapist@'s, whom nobody supervises
    with pytest.raises(FidelityError, match="Only the author's supervisor"):
        rate(cast, note, 3)
    assert cast.http("supervisor").get(f"/supervision/fidelity/notes/{note.pk}/").status_code == 404
    post = cast.http("supervisor").post(f"/supervision/fidelity/notes/{note.pk}/", {"version": 0})
    assert post.status_code == 404
    assert not FidelityRating.objects.filter(note=note).exists()


def test_a_draft_cannot_be_rated(cast: Cast) -> None:
    course = factories.open_course(cast.clients["student_client"], weeks_ago=3)
    draft = factories.note(course)
    with pytest.raises(FidelityError, match="still a draft"):
        rate(cast, draft, 3)


def _form(note: SessionNote, value: str, **extra: str) -> dict[str, str]:
    data = {f"item_{code}": value for code in scores_for(note, 1)}
    return {**data, "version": "0", "recording_reference": "", "comment": "", **extra}


def test_the_page_saves_a_rating_and_shows_bad_input_beside_the_field(cast: Cast) -> None:
    note = student_notes(cast, 1)[0]
    browser = cast.http("supervisor")
    url = f"/supervision/fidelity/notes/{note.pk}/"
    for bad in ("9", "²", "0"):
        page = browser.post(url, _form(note, "4", item_contract=bad))
        assert page.status_code == 200
        assert "Choose a score from 1–5, or N/A." in page.content.decode()
    page = browser.post(url, _form(note, "4", item_rehearsal="3"))
    assert "does not apply to the initial phase" in page.content.decode()
    huge = browser.post(url, _form(note, "4", comment="x" * 5000))
    assert huge.status_code == 200 and "field__error" in huge.content.decode()
    nul = browser.post(url, _form(note, "4", recording_reference="a\x00b"))
    assert nul.status_code == 200
    assert not FidelityRating.objects.filter(note=note).exists()

    saved = browser.post(url, _form(note, "4", item_inventory="na", comment="Clear contract."))
    assert saved.status_code == 302
    rating = FidelityRating.objects.get(note=note)
    assert rating.comment == "Clear contract." and str(rating.mean) == "4.00"
    # The form opened before that save (version 0) is now stale.
    stale = browser.post(url, _form(note, "2"))
    assert "changed elsewhere" in stale.content.decode()
    assert str(FidelityRating.objects.get(pk=rating.pk).mean) == "4.00"


def test_the_student_self_rates_on_the_same_page(cast: Cast) -> None:
    note = student_notes(cast, 1)[0]
    page = cast.http("student").post(f"/supervision/fidelity/notes/{note.pk}/", _form(note, "5"))
    assert page.status_code == 302
    rating = FidelityRating.objects.get(note=note)
    assert (rating.kind, rating.rater_id) == ("self", cast.users["student"].pk)
