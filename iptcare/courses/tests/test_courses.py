"""Opening, extending and ending a course: audited, version-checked, and every bad input
refused with a clear message and nothing changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.courses.models import ClinicCourseSettings, Course, CourseExtension
from iptcare.courses.selectors import course_position
from iptcare.courses.services import (
    CourseConflict,
    CourseError,
    course_end,
    course_extend,
    course_open,
    course_settings_update,
    note_open,
    note_sign,
)
from tests import factories
from tests.factories import open_course

from .conftest import actor_for, clinic_today_for_tests

TODAY = clinic_today_for_tests()


def _open(cast, client, **overrides):
    args = dict(
        actor=actor_for(cast, "therapist"),
        client=client,
        protocol="standard",
        therapist=cast.users["therapist"],
        start_date=TODAY,
        planned_sessions=16,
        frequency="weekly",
    )
    args.update(overrides)
    return course_open(**args)


def test_opening_a_course_starts_in_assessment_and_is_audited(cast: Cast) -> None:
    client = factories.client(cast.clinic, therapists=[cast.users["therapist"]])
    course = _open(cast, client)
    assert (course.status, course.planned_sessions, course.version) == ("assessment", 16, 1)
    assert course_position(course).label == "Session 1 of 16 · initial phase"
    entry = AccessEntry.objects.get(object_type="courses.course", object_id=str(course.pk))
    assert (entry.action, entry.user, entry.client) == ("create", cast.users["therapist"], client)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"planned_sessions": 12}, "planned_sessions", "this clinic allows 16–20"),
        ({"planned_sessions": 21}, "planned_sessions", "this clinic allows 16–20"),
        ({"protocol": "brief", "planned_sessions": 10}, "planned_sessions", "exactly 8"),
        ({"protocol": "maintenance", "planned_sessions": 6}, "planned_sessions", "open-ended"),
        ({"protocol": "group", "planned_sessions": 9}, "protocol", "not available yet"),
        ({"protocol": "cbt"}, "protocol", "Unknown protocol"),
        ({"frequency": "daily"}, "frequency", "how often"),
        ({"start_date": date(1980, 1, 1)}, "start_date", "before the client's date of birth"),
        ({"start_date": TODAY + timedelta(days=200)}, "start_date", "more than 90 days ahead"),
    ],
)
def test_bad_course_details_are_refused_and_nothing_is_created(
    cast: Cast, overrides, field, message
) -> None:
    client = factories.client(cast.clinic, therapists=[cast.users["therapist"]])
    before = (Course.objects.count(), AccessEntry.objects.count())
    with pytest.raises(CourseError, match=message) as caught:
        _open(cast, client, **overrides)
    assert caught.value.field == field
    assert (Course.objects.count(), AccessEntry.objects.count()) == before


def test_ipt_a_is_only_for_the_clinics_age_range(cast: Cast) -> None:
    twelve = factories.client(
        cast.clinic,
        therapists=[cast.users["therapist"]],
        date_of_birth=factories.birthday_years_ago(cast.clinic, 12),
    )
    with pytest.raises(CourseError, match=r"IPT-A.* ages 13–18 \(client is 12\)"):
        _open(cast, twelve, protocol="ipt_a", planned_sessions=12)
    fifteen = factories.client(
        cast.clinic,
        therapists=[cast.users["therapist"]],
        date_of_birth=factories.birthday_years_ago(cast.clinic, 15),
    )
    assert _open(cast, fifteen, protocol="ipt_a", planned_sessions=12).protocol == "ipt_a"


def test_a_client_has_one_open_course_at_a_time(cast: Cast) -> None:
    client = factories.client(cast.clinic, therapists=[cast.users["therapist"]])
    _open(cast, client)
    with pytest.raises(CourseError, match="already has an open course"):
        _open(cast, client)


def test_only_a_therapist_on_the_care_team_can_hold_the_course(cast: Cast) -> None:
    with pytest.raises(CourseError, match="not on .* care team"):
        _open(
            cast,
            factories.client(cast.clinic, therapists=[cast.users["therapist"]]),
            therapist=cast.users["therapist2"],
        )


def test_the_clinic_default_and_range_come_from_its_settings(cast: Cast) -> None:
    settings = ClinicCourseSettings.objects.get(clinic=cast.clinic)
    assert (settings.default_planned_standard, settings.min_planned_standard) == (16, 16)
    updated = course_settings_update(
        actor=actor_for(cast, "admin"),
        clinic_id=cast.clinic.pk,
        default_planned_standard=20,
        min_planned_standard=16,
        max_planned_standard=20,
        ipt_a_min_age=13,
        ipt_a_max_age=18,
        version=settings.version,
    )
    assert (updated.default_planned_standard, updated.version) == (20, settings.version + 1)
    with pytest.raises(CourseError, match="allows 12–20 planned sessions"):
        course_settings_update(
            actor=actor_for(cast, "admin"),
            clinic_id=cast.clinic.pk,
            default_planned_standard=24,
            min_planned_standard=12,
            max_planned_standard=20,
            ipt_a_min_age=13,
            ipt_a_max_age=18,
            version=updated.version,
        )
    with pytest.raises(CourseConflict):
        course_settings_update(
            actor=actor_for(cast, "admin"),
            clinic_id=cast.clinic.pk,
            default_planned_standard=18,
            min_planned_standard=16,
            max_planned_standard=20,
            ipt_a_min_age=13,
            ipt_a_max_age=18,
            version=settings.version,  # stale
        )
    assert ClinicCourseSettings.objects.get(clinic=cast.clinic).default_planned_standard == 20


# --- extending -------------------------------------------------------------------------------


def test_extending_records_who_when_and_why(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    extension = course_extend(
        actor=actor_for(cast, "therapist"),
        course=course,
        to_sessions=20,
        reason="Grief work needs more time after the anniversary.",
        version=course.version,
    )
    course.refresh_from_db()
    assert (extension.from_sessions, extension.to_sessions, extension.by) == (
        16,
        20,
        cast.users["therapist"],
    )
    assert extension.at is not None
    assert (course.planned_sessions, course.version) == (20, 2)
    assert AccessEntry.objects.filter(action="update", detail__contains="16 → 20").exists()


@pytest.mark.parametrize(
    ("to_sessions", "reason", "message"),
    [
        (16, "A reason long enough.", "more than the current 16"),
        (12, "A reason long enough.", "more than the current 16"),
        (40, "A reason long enough.", "At most 32 sessions"),
        (18, "", "Say why"),
        (18, "short", "Say why"),
    ],
)
def test_a_bad_extension_changes_nothing(cast: Cast, to_sessions, reason, message) -> None:
    course = open_course(therapist=cast.users["therapist"])
    with pytest.raises(CourseError, match=message):
        course_extend(
            actor=actor_for(cast, "therapist"),
            course=course,
            to_sessions=to_sessions,
            reason=reason,
            version=course.version,
        )
    course.refresh_from_db()
    assert (course.planned_sessions, course.version) == (16, 1)
    assert not CourseExtension.objects.filter(course=course).exists()


def test_a_stale_extension_from_a_second_tab_is_refused(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    first_tab = Course.objects.get(pk=course.pk)
    second_tab = Course.objects.get(pk=course.pk)
    course_extend(
        actor=actor_for(cast, "therapist"),
        course=first_tab,
        to_sessions=18,
        reason="Needs two more sessions for the dispute.",
        version=first_tab.version,
    )
    with pytest.raises(CourseConflict, match="changed elsewhere"):
        course_extend(
            actor=actor_for(cast, "therapist"),
            course=second_tab,
            to_sessions=20,
            reason="Needs four more sessions for the dispute.",
            version=second_tab.version,
        )
    course.refresh_from_db()
    assert course.planned_sessions == 18
    assert CourseExtension.objects.filter(course=course).count() == 1


def test_open_ended_courses_cannot_be_extended(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"], protocol="maintenance", planned=None)
    with pytest.raises(CourseError, match="open-ended"):
        course_extend(
            actor=actor_for(cast, "therapist"),
            course=course,
            to_sessions=8,
            reason="A reason long enough.",
            version=course.version,
        )


def test_only_the_treating_therapist_changes_a_course(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    for role in ("therapist2", "supervisor", "admin"):
        with pytest.raises(CourseError, match="treating therapist"):
            course_extend(
                actor=actor_for(cast, role),
                course=course,
                to_sessions=18,
                reason="A reason long enough.",
                version=course.version,
            )


# --- ending ----------------------------------------------------------------------------------


def test_completing_a_course_closes_it(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    ended = course_end(
        actor=actor_for(cast, "therapist"),
        course=course,
        status="completed",
        reason="",
        ended_on=TODAY,
        version=course.version,
    )
    assert (ended.status, ended.ended_on, ended.is_open) == ("completed", TODAY, False)
    with pytest.raises(CourseError, match="no new session notes"):
        note_open(actor=actor_for(cast, "therapist"), course=ended, date=TODAY)


@pytest.mark.parametrize(
    ("status", "reason", "ended_on", "message"),
    [
        ("ended_early", "", TODAY, "Say why the course ended early"),
        ("ended_early", "moved", TODAY, "Say why"),
        ("completed", "", TODAY - timedelta(weeks=20), "before the course started"),
        ("completed", "", TODAY + timedelta(days=2), "in the future"),
        ("active", "", TODAY, "completed or ended early"),
    ],
)
def test_bad_endings_change_nothing(cast: Cast, status, reason, ended_on, message):
    course = open_course(therapist=cast.users["therapist"])
    with pytest.raises(CourseError, match=message):
        course_end(
            actor=actor_for(cast, "therapist"),
            course=course,
            status=status,
            reason=reason,
            ended_on=ended_on,
            version=course.version,
        )
    course.refresh_from_db()
    assert (course.status, course.ended_on, course.version) == ("assessment", None, 1)


def test_a_course_ends_after_its_last_note_and_with_no_drafts(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    actor = actor_for(cast, "therapist")
    note = note_open(actor=actor, course=course, date=TODAY - timedelta(days=3))
    with pytest.raises(CourseError, match="still a draft"):
        course_end(
            actor=actor,
            course=course,
            status="ended_early",
            reason="The client moved away.",
            ended_on=TODAY,
            version=course.version,
        )
    note_sign(
        actor=actor,
        note=note,
        version=note.version,
        changes={"mood_rating": 4, "risk_check": "none_indicated"},
    )
    with pytest.raises(CourseError, match="before the last session note"):
        course_end(
            actor=actor,
            course=course,
            status="ended_early",
            reason="The client moved away.",
            ended_on=TODAY - timedelta(days=4),
            version=course.version,
        )
    ended = course_end(
        actor=actor,
        course=course,
        status="ended_early",
        reason="The client moved away.",
        ended_on=TODAY,
        version=course.version,
    )
    assert (ended.status, ended.end_reason) == ("ended_early", "The client moved away.")


def test_a_stale_end_is_refused(cast: Cast) -> None:
    course = open_course(therapist=cast.users["therapist"])
    with pytest.raises(CourseConflict):
        course_end(
            actor=actor_for(cast, "therapist"),
            course=course,
            status="completed",
            reason="",
            ended_on=TODAY,
            version=course.version + 1,
        )
    course.refresh_from_db()
    assert course.is_open
