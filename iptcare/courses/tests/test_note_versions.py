"""A note returned for revision: open again for its author only, through the same
autosave, sign button and stale-version check as a draft; each signing keeps a version;
and the clinic's setting that asks for the password again at signing."""

from __future__ import annotations

import pytest

from conftest import Cast
from iptcare.audit.services import Actor
from iptcare.courses.models import Course, NoteVersion, SessionNote
from iptcare.courses.services import CourseError, note_reopen, note_sign, note_update
from tests import factories

from .conftest import actor_for


def _returned(cast: Cast, *, also_treating: bool = False) -> tuple[Course, SessionNote]:
    """The student's signed note, returned by their supervisor. `also_treating`: the
    client's care team has a registered therapist too, who treats the client as well."""
    team = [cast.users["student"]] + ([cast.users["therapist"]] if also_treating else [])
    client = factories.client(cast.clinic, therapists=team)
    course = factories.open_course(client, therapist=cast.users["student"])
    signed = factories.signed_note(course, plan_next="Inventory.")
    supervisor = Actor(user=cast.users["supervisor"], role="supervisor")
    return course, note_reopen(actor=supervisor, note=signed, version=signed.version)


def _form(note: SessionNote, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": note.version,
        "date": note.date.isoformat(),
        "attendance": note.attendance,
        "mood_rating": note.mood_rating if note.mood_rating is not None else "",
        "since_last_met": note.since_last_met,
        "focus_work": note.focus_work,
        "techniques": list(note.techniques),
        "homework_reviewed": note.homework_reviewed,
        "homework_set": note.homework_set,
        "risk_check": note.risk_check,
        "risk_notes": note.risk_notes,
        "plan_next": note.plan_next,
    }
    data.update(changes)
    return data


def _url(course: Course, note: SessionNote, tail: str = "") -> str:
    return f"/courses/{course.pk}/notes/{note.pk}/{tail}"


def _saved(note: SessionNote) -> tuple[object, ...]:
    fresh = SessionNote.objects.get(pk=note.pk)
    return (fresh.status, fresh.version, fresh.plan_next, fresh.versions.count())


# --- who may change it ---------------------------------------------------------------------


def test_a_returned_note_is_revised_by_its_author_only(cast: Cast) -> None:
    course, note = _returned(cast, also_treating=True)
    assert cast.users["student"].has_perm("courses.revise_note", note)
    assert cast.users["student"].has_perm("courses.edit_note", note)
    for role in ["therapist", "therapist2", "supervisor", "admin", "other_admin", "client"]:
        assert not cast.users[role].has_perm("courses.revise_note", note), role
        assert not cast.users[role].has_perm("courses.edit_note", note), role
    # A draft stays open to whoever treats the client, as before.
    draft = factories.note(course)
    assert cast.users["therapist"].has_perm("courses.edit_note", draft)
    assert not cast.users["therapist"].has_perm("courses.revise_note", draft)


def test_another_treating_therapist_cannot_edit_a_returned_note(cast: Cast) -> None:
    _course, note = _returned(cast, also_treating=True)
    before = _saved(note)
    other = actor_for(cast, "therapist")
    with pytest.raises(CourseError, match="returned to its author, .*: only they can change it"):
        note_update(actor=other, note=note, version=note.version, changes={"plan_next": "X"})
    with pytest.raises(CourseError, match="only they can change it"):
        note_sign(actor=other, note=note, version=note.version)
    assert _saved(note) == before


def test_a_note_not_returned_to_you_cannot_be_edited(cast: Cast) -> None:
    """Waiting for co-signature, co-signed, or a registered therapist's signed note: never
    editable, by the author either."""
    course = factories.open_course(cast.clients["student_client"])
    waiting = factories.signed_note(course)
    final = factories.cosign(factories.signed_note(course))
    signed = factories.signed_note(factories.open_course(cast.clients["client"]))
    for note, role in [(waiting, "student"), (final, "student"), (signed, "therapist")]:
        before = _saved(note)
        with pytest.raises(CourseError, match="cannot be changed. Add an amendment"):
            note_update(
                actor=actor_for(cast, role),
                note=note,
                version=note.version,
                changes={"plan_next": "X"},
            )
        assert _saved(note) == before
        page = cast.http(role).get(_url(note.course, note)).content.decode()
        assert "Sign the note" not in page


# --- the versions ----------------------------------------------------------------------------


def test_each_signing_keeps_a_version_and_resigning_waits_for_cosignature_again(
    cast: Cast,
) -> None:
    _course, note = _returned(cast)
    student = actor_for(cast, "student")
    revised = note_update(
        actor=student, note=note, version=note.version, changes={"plan_next": "Inventory, then"}
    )
    resigned = note_sign(actor=student, note=revised, version=revised.version)
    assert resigned.status == SessionNote.Status.AWAITING_COSIGNATURE
    versions = list(NoteVersion.objects.filter(note=note).order_by("number"))
    assert [(v.number, v.snapshot["plan_next"]) for v in versions] == [
        (1, "Inventory."),
        (2, "Inventory, then"),
    ]
    assert versions[1].signed_at == resigned.signed_at
    assert set(versions[0].snapshot) == {
        "date",
        "attendance",
        "mood_rating",
        "since_last_met",
        "techniques",
        "focus_work",
        "homework_reviewed",
        "homework_set",
        "risk_check",
        "risk_notes",
        "plan_next",
    }


def test_a_registered_therapists_signing_keeps_version_one(cast: Cast) -> None:
    signed = factories.signed_note(factories.open_course(cast.clients["client"]))
    assert signed.status == SessionNote.Status.SIGNED
    assert list(signed.versions.values_list("number", "signed_by")) == [
        (1, cast.users["therapist"].pk)
    ]


# --- the note page on a returned note ---------------------------------------------------------


def test_autosave_works_on_a_returned_note_and_refuses_a_stale_version(cast: Cast) -> None:
    course, note = _returned(cast)
    browser = cast.http("student")
    saved = browser.post(_url(course, note, "autosave/"), _form(note, plan_next="Revised"))
    assert "Saved" in saved.content.decode()
    assert SessionNote.objects.get(pk=note.pk).plan_next == "Revised"
    stale = browser.post(_url(course, note, "autosave/"), _form(note, plan_next="Old tab"))
    assert "changed elsewhere" in stale.content.decode()
    assert SessionNote.objects.get(pk=note.pk).plan_next == "Revised"


def test_the_sign_button_resigns_a_returned_note(cast: Cast) -> None:
    course, note = _returned(cast)
    page = cast.http("student").get(_url(course, note)).content.decode()
    assert "Sign the note" in page and "sends it to your supervisor" in page
    response = cast.http("student").post(_url(course, note, "sign/"), _form(note))
    assert response.status_code == 302
    assert _saved(note)[0::3] == (SessionNote.Status.AWAITING_COSIGNATURE, 2)


def test_another_treating_therapist_sees_the_returned_note_read_only(cast: Cast) -> None:
    course, note = _returned(cast, also_treating=True)
    before = _saved(note)
    browser = cast.http("therapist")
    assert "Sign the note" not in browser.get(_url(course, note)).content.decode()
    autosave = browser.post(_url(course, note, "autosave/"), _form(note, plan_next="Mine"))
    assert "only they can change it" in autosave.content.decode()
    browser.post(_url(course, note, "sign/"), _form(note, plan_next="Mine"))
    assert _saved(note) == before


# --- asking for the password again -----------------------------------------------------------


def test_a_wrong_password_at_signing_is_refused_beside_the_field(cast: Cast) -> None:
    course, note = _returned(cast)
    factories.course_settings(cast.clinic, confirm_identity_at_signing=True)
    before = _saved(note)
    browser = cast.http("student")
    page = browser.get(_url(course, note)).content.decode()
    assert 'name="secret"' in page and 'hx-params="not secret"' in page
    for secret in ["", "not my password", "²" * 300]:
        response = browser.post(_url(course, note, "sign/"), _form(note, secret=secret))
        assert response.status_code == 200
        assert 'id="id_secret_error"' in response.content.decode(), secret
        assert _saved(note) == before
    response = browser.post(_url(course, note, "sign/"), _form(note, secret=factories.PASSWORD))
    assert response.status_code == 302
    assert _saved(note)[0] == SessionNote.Status.AWAITING_COSIGNATURE


def test_the_password_is_not_asked_by_default(cast: Cast) -> None:
    course = factories.open_course(cast.clients["client"])
    draft = factories.note(course)
    page = cast.http("therapist").get(_url(course, draft)).content.decode()
    assert 'name="secret"' not in page
    signed = note_sign(
        actor=actor_for(cast, "therapist"),
        note=draft,
        version=draft.version,
        changes={"mood_rating": 5, "risk_check": "none_indicated"},
    )
    assert signed.status == SessionNote.Status.SIGNED


def test_the_setting_is_on_the_course_settings_page(cast: Cast) -> None:
    browser = cast.http("admin")
    page = browser.get("/courses/settings/").content.decode()
    assert 'name="confirm_identity_at_signing"' in page
    form = {
        "version": 1,
        "default_planned_standard": 16,
        "min_planned_standard": 16,
        "max_planned_standard": 20,
        "ipt_a_min_age": 13,
        "ipt_a_max_age": 18,
        "confirm_identity_at_signing": "on",
    }
    from iptcare.courses.selectors import clinic_course_settings

    form["version"] = clinic_course_settings(cast.clinic.pk).version
    assert browser.post("/courses/settings/", form).status_code == 302
    assert clinic_course_settings(cast.clinic.pk).confirm_identity_at_signing
