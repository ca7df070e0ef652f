"""Supervision links: a supervisee may have several supervisors, each for a time, one of
them primary; who supervises whom today is asked in one place (clinic.selectors)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from conftest import Cast, ensure_cast
from iptcare.accounts.models import User
from iptcare.audit.models import AccessEntry
from iptcare.clients.selectors import clients_visible_to
from iptcare.clinic.models import SupervisionLink
from iptcare.clinic.selectors import (
    primary_supervisor_of,
    supervisees_of,
    supervisors_of,
)
from iptcare.clinic.services import SupervisionError, supervision_link_end
from iptcare.courses.models import SessionNote
from iptcare.courses.services import note_cosign
from iptcare.measures.models import RiskFlag
from iptcare.measures.services import flags_escalate_overdue
from tests import factories
from tests.factories import actor, clock_at, local, open_course, signed_note, submit

# A Tuesday; 23:30 in Toronto is already the next day in UTC, so the clinic's date counts.
FROM = date(2026, 8, 4)
TO = date(2026, 8, 31)


@pytest.fixture
def second(cast: Cast) -> User:
    """A second supervisor of the student, not primary, for August 2026 only."""
    person = factories.supervisor(cast.clinic, full_name="Dr. Sam Second")
    factories.supervision_link(
        supervisee=cast.users["student"], supervisor=person, starts_on=FROM, ends_on=TO
    )
    return person


def _awaiting(cast: Cast) -> SessionNote:
    course = open_course(cast.clients["student_client"], weeks_ago=2)
    note = signed_note(course)  # dated the clinic's today
    assert note.status == SessionNote.Status.AWAITING_COSIGNATURE
    return note


def _sees(person: User, cast: Cast) -> bool:
    client = cast.clients["student_client"]
    by_rules = person.has_perm("clients.view_clinical", client)
    listed = clients_visible_to(person).filter(pk=client.pk).exists()
    assert by_rules == listed, "the rules and the client list disagree"
    return by_rules


# --- Who sees and co-signs --------------------------------------------------------------


def test_a_second_supervisor_with_a_current_link_sees_the_students_client_and_cosigns(
    cast: Cast, second: User
) -> None:
    with clock_at(cast.clinic, FROM + timedelta(days=2), 10):
        note = _awaiting(cast)
        assert _sees(second, cast)
        assert second.has_perm("courses.cosign_note", note)
        assert second in list(supervisors_of(cast.users["student"]))
        assert cast.users["student"] in list(supervisees_of(second))
        final = note_cosign(actor=actor(second, "supervisor"), note=note)
    assert (final.status, final.cosigned_by) == ("final", second)
    # The primary supervisor still sees the client, and is named first.
    with clock_at(cast.clinic, FROM + timedelta(days=2), 10):
        assert list(supervisors_of(cast.users["student"])) == [cast.users["supervisor"], second]
        assert primary_supervisor_of(cast.users["student"]) == cast.users["supervisor"]


@pytest.mark.parametrize(
    ("moment", "current"),
    [
        ((FROM - timedelta(days=1), 23, 30), False),  # the evening before it starts
        ((FROM, 0, 5), True),  # its first day, early
        ((TO, 23, 30), True),  # its last day, late (already 1 September in UTC)
        ((TO + timedelta(days=1), 0, 5), False),  # the day after it ends
    ],
)
def test_a_link_counts_from_its_first_day_to_its_last_in_the_clinics_time(
    cast: Cast, second: User, moment: tuple[date, int, int], current: bool
) -> None:
    with clock_at(cast.clinic, FROM - timedelta(days=3), 10):
        note = _awaiting(cast)
    day, hour, minute = moment
    with time_machine.travel(local(cast.clinic, day, hour, minute), tick=False):
        assert _sees(second, cast) is current
        assert second.has_perm("courses.cosign_note", note) is current
        assert (cast.users["student"] in list(supervisees_of(second))) is current
        # The primary supervisor's open link holds throughout.
        assert _sees(cast.users["supervisor"], cast)


def test_after_the_link_ends_the_second_supervisor_cannot_cosign(cast: Cast, second: User) -> None:
    with clock_at(cast.clinic, FROM, 10):
        note = _awaiting(cast)
    with clock_at(cast.clinic, TO + timedelta(days=1), 10):
        from iptcare.courses.services import CourseError

        with pytest.raises(CourseError, match="supervisor"):
            note_cosign(actor=actor(second, "supervisor"), note=note)
    note.refresh_from_db()
    assert note.status == SessionNote.Status.AWAITING_COSIGNATURE


# --- Risk flags go to the primary supervisor ----------------------------------------------


def test_an_overdue_flag_goes_to_the_current_primary_not_the_second_supervisor(
    cast: Cast, second: User, django_capture_on_commit_callbacks
) -> None:
    day = FROM + timedelta(days=3)
    with clock_at(cast.clinic, day - timedelta(days=2), 10):
        course = open_course(cast.clients["student_client"], weeks_ago=2)
        flag = submit(course, "phq9", factories.phq9_answers(12, item9=2)).flag
    assert flag is not None
    mail.outbox.clear()
    with clock_at(cast.clinic, day, 10), django_capture_on_commit_callbacks(execute=True):
        assert flags_escalate_overdue() == 1
    flag.refresh_from_db()
    assert (flag.escalated_to, flag.escalated_to_role) == (cast.users["supervisor"], "supervisor")
    assert [m.to for m in mail.outbox if "24 hours" in m.subject] == [
        [cast.users["supervisor"].email]
    ]


def test_when_the_primary_hands_over_the_next_flag_goes_to_the_new_primary(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    student, first = cast.users["student"], cast.users["supervisor"]
    second = factories.supervisor(cast.clinic, full_name="Dr. Sam Second")
    factories.supervision_link(supervisee=student, supervisor=second, starts_on=FROM)
    link = SupervisionLink.objects.get(supervisee=student, supervisor=first)
    with clock_at(cast.clinic, FROM + timedelta(days=1), 10):
        supervision_link_end(
            actor=actor(cast.users["admin"], "administrator"),
            link=link,
            ends_on=FROM + timedelta(days=1),
            version=link.version,
            successor=second,
        )
    # second's link is split: not primary to the 5th, primary from the 6th on.
    rows = list(
        SupervisionLink.objects.filter(supervisee=student, supervisor=second)
        .order_by("starts_on")
        .values_list("is_primary", "starts_on", "ends_on")
    )
    assert rows == [
        (False, FROM, FROM + timedelta(days=1)),
        (True, FROM + timedelta(days=2), None),
    ]
    with clock_at(cast.clinic, FROM + timedelta(days=3), 10):
        assert primary_supervisor_of(student) == second
        assert not _sees(first, cast)
        course = open_course(cast.clients["student_client"], weeks_ago=2)
        flag = submit(course, "phq9", factories.phq9_answers(12, item9=2)).flag
    assert flag is not None
    RiskFlag.objects.filter(pk=flag.pk).update(
        raised_at=local(cast.clinic, FROM + timedelta(days=2), 9)
    )
    with clock_at(cast.clinic, FROM + timedelta(days=3), 10):
        with django_capture_on_commit_callbacks(execute=True):
            assert flags_escalate_overdue() == 1
    flag.refresh_from_db()
    assert flag.escalated_to == second


# --- The service's refusals ---------------------------------------------------------------


def test_a_practicum_student_is_never_left_without_a_primary_supervisor(cast: Cast) -> None:
    link = SupervisionLink.objects.get(supervisee=cast.users["student"], is_primary=True)
    with pytest.raises(SupervisionError, match="no primary supervisor") as refused:
        supervision_link_end(
            actor=actor(cast.users["admin"], "administrator"),
            link=link,
            ends_on=link.starts_on + timedelta(days=30),
            version=link.version,
        )
    assert refused.value.field == "successor"
    link.refresh_from_db()
    assert link.ends_on is None


def test_a_registered_therapist_may_be_supervised_and_their_link_ended(cast: Cast) -> None:
    therapist = cast.users["therapist"]
    link = factories.supervision_link(
        supervisee=therapist, supervisor=cast.users["supervisor"], is_primary=True
    )
    assert _sees(cast.users["supervisor"], cast)  # still the student's client
    assert cast.users["supervisor"].has_perm("clients.view_clinical", cast.clients["client"])
    with clock_at(cast.clinic, FROM, 10):
        supervision_link_end(
            actor=actor(cast.users["admin"], "administrator"),
            link=link,
            ends_on=FROM - timedelta(days=1),
            version=link.version,
        )
        assert not cast.users["supervisor"].has_perm(
            "clients.view_clinical", cast.clients["client"]
        )


def test_a_stale_end_is_refused(cast: Cast, second: User) -> None:
    link = SupervisionLink.objects.get(supervisor=second)
    with clock_at(cast.clinic, FROM, 10), pytest.raises(SupervisionError, match="changed"):
        supervision_link_end(
            actor=actor(cast.users["admin"], "administrator"),
            link=link,
            ends_on=FROM + timedelta(days=5),
            version=link.version + 1,
        )


# --- The administrator's page --------------------------------------------------------------


def _page(cast: Cast, person: str = "student") -> str:
    return f"/clinic/staff/{cast.users[person].pk}/"


def test_the_staff_page_lists_current_and_past_links_with_plain_dates(
    cast: Cast, second: User
) -> None:
    old = factories.supervisor(cast.clinic, full_name="Dr. Olive Old")
    factories.supervision_link(
        supervisee=cast.users["student"],
        supervisor=old,
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 4, 30),
    )
    with clock_at(cast.clinic, FROM + timedelta(days=1), 10):
        body = cast.http("admin").get(_page(cast)).content.decode()
    assert "Supervision" in body
    for text in ("Dr. Sue Supervisor", "Dr. Sam Second", "Dr. Olive Old", "Primary"):
        assert text in body
    assert "4 August 2026" in body and "31 August 2026" in body and "30 April 2025" in body
    assert "Current" in body and "past" in body
    # The staff list names the primary supervisor and links to the page.
    listing = cast.http("admin").get("/clinic/staff/").content.decode()
    assert _page(cast) in listing


def test_the_staff_page_costs_the_same_queries_however_many_links(cast: Cast) -> None:
    def count() -> int:
        browser = cast.http("admin")
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(_page(cast)).status_code == 200
        return len(queries)

    few = count()
    for year in range(2010, 2016):
        factories.supervision_link(
            supervisee=cast.users["student"],
            supervisor=factories.supervisor(cast.clinic),
            starts_on=date(year, 1, 1),
            ends_on=date(year, 6, 30) if year < 2015 else None,
        )
    assert count() == few


def test_an_administrator_adds_a_link_and_it_is_audited(cast: Cast) -> None:
    other = factories.supervisor(cast.clinic, full_name="Dr. Nia New")
    before = AccessEntry.objects.count()
    with clock_at(cast.clinic, FROM, 10):
        answer = cast.http("admin").post(
            _page(cast) + "supervision/add/",
            {"supervisor": other.pk, "starts_on": "2026-08-04", "ends_on": ""},
        )
    assert answer.status_code == 302
    link = SupervisionLink.objects.get(supervisor=other)
    assert (link.is_primary, link.starts_on, link.ends_on) == (False, FROM, None)
    assert link.created_by == cast.users["admin"]
    entry = AccessEntry.objects.order_by("-pk").first()
    assert entry is not None and AccessEntry.objects.count() == before + 1
    assert (entry.action, entry.client, entry.object_id) == ("create", None, str(link.pk))


def _post_add(cast: Cast, person: str, **fields: object) -> tuple[int, str]:
    data = {"starts_on": "2026-08-04", "ends_on": ""} | {k: v for k, v in fields.items()}
    with clock_at(cast.clinic, FROM, 10):
        answer = cast.http("admin").post(_page(cast, person) + "supervision/add/", data)
    return answer.status_code, answer.content.decode()


@pytest.mark.parametrize(
    ("person", "fields", "message"),
    [
        ("student", {"ends_on": "2026-08-01"}, "The end date is before the start date."),
        ("student", {"starts_on": "9999-12-31"}, "Enter a date between 1900 and 2100."),
        ("student", {"starts_on": "2099-12-31"}, "at most 5 years ahead"),
        ("student", {"starts_on": "²"}, "Enter a valid date."),
        # Not a supervisor, or another clinic's: not offered, so not a choice.
        ("student", {"who": "therapist2"}, "Select a valid choice."),
        ("student", {"who": "other_admin"}, "Select a valid choice."),
        ("student", {"supervisor": "9" * 30}, "Select a valid choice."),
        ("supervisor", {"who": "supervisor"}, "Nobody supervises themselves"),
        ("student", {"who": "supervisor"}, "already supervises"),
        ("student", {"new": True, "is_primary": "on"}, "one primary supervisor at a time"),
    ],
)
def test_each_bad_input_is_named_beside_its_field_and_nothing_is_saved(
    cast: Cast, person: str, fields: dict[str, object], message: str
) -> None:
    fields = dict(fields)
    who = fields.pop("who", None)
    if fields.pop("new", False):
        fields["supervisor"] = factories.supervisor(cast.clinic, full_name="Dr. Nia New").pk
    elif who is not None:
        fields["supervisor"] = cast.users[str(who)].pk
    fields.setdefault("supervisor", factories.supervisor(cast.clinic).pk)
    links, entries = SupervisionLink.objects.count(), AccessEntry.objects.count()
    status, body = _post_add(cast, person, **fields)
    assert status == 400
    assert message in body.replace("&#x27;", "'")
    assert "field__error" in body or "alert--error" in body
    assert (SupervisionLink.objects.count(), AccessEntry.objects.count()) == (links, entries)


def test_a_non_supervisor_is_refused_by_the_service_too(cast: Cast) -> None:
    from iptcare.clinic.services import supervision_link_add

    with pytest.raises(SupervisionError, match="supervisor role") as refused:
        supervision_link_add(
            actor=actor(cast.users["admin"], "administrator"),
            supervisee=cast.users["student"],
            supervisor=cast.users["therapist2"],
            is_primary=False,
            starts_on=FROM,
        )
    assert refused.value.field == "supervisor"
    with pytest.raises(SupervisionError, match="not on this clinic's staff"):
        supervision_link_add(
            actor=actor(cast.users["admin"], "administrator"),
            supervisee=cast.users["student"],
            supervisor=factories.supervisor(cast.other_clinic),
            is_primary=False,
            starts_on=FROM,
        )


def _post_end(cast: Cast, link: SupervisionLink, **fields: object) -> tuple[int, str]:
    prefix = f"end-{link.pk}-"
    data = {prefix + "version": link.version} | {prefix + k: v for k, v in fields.items()}
    url = _page(cast) + f"supervision/{link.pk}/end/"
    with clock_at(cast.clinic, FROM, 10):
        answer = cast.http("admin").post(url, data)
    return answer.status_code, answer.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_on": "2026-08-01"}, "it cannot end before that"),
        ({"ends_on": "9999-12-31"}, "Enter a date between 1900 and 2100."),
        ({"ends_on": ""}, "This field is required."),
        ({"ends_on": "2026-08-10", "version": "x"}, "This page is out of date"),
    ],
)
def test_each_bad_end_is_named_and_the_link_is_unchanged(
    cast: Cast, second: User, fields: dict[str, object], message: str
) -> None:
    link = SupervisionLink.objects.get(supervisor=second)
    status, body = _post_end(cast, link, **fields)
    assert status == 400 and message in body
    link.refresh_from_db()
    assert link.ends_on == TO and link.version == 1


def test_ending_the_students_only_primary_link_without_a_successor_is_refused_on_the_page(
    cast: Cast,
) -> None:
    link = SupervisionLink.objects.get(supervisee=cast.users["student"], is_primary=True)
    status, body = _post_end(cast, link, ends_on="2026-08-10")
    assert status == 400
    assert "would have no primary supervisor from 11 August 2026: name who takes over." in body
    link.refresh_from_db()
    assert link.ends_on is None


def test_ending_a_primary_link_with_a_successor_on_the_page(cast: Cast) -> None:
    link = SupervisionLink.objects.get(supervisee=cast.users["student"], is_primary=True)
    heir = factories.supervisor(cast.clinic, full_name="Dr. Hana Heir")
    status, _ = _post_end(cast, link, ends_on="2026-08-10", successor=heir.pk)
    assert status == 302
    with clock_at(cast.clinic, date(2026, 8, 11), 10):
        assert primary_supervisor_of(cast.users["student"]) == heir
    with clock_at(cast.clinic, date(2026, 8, 10), 10):
        assert primary_supervisor_of(cast.users["student"]) == cast.users["supervisor"]


def test_another_clinics_administrator_gets_404_for_the_staff_page_and_its_forms(
    cast: Cast,
) -> None:
    browser = cast.http("other_admin")
    link = SupervisionLink.objects.get(supervisee=cast.users["student"], is_primary=True)
    assert browser.get(_page(cast)).status_code == 404
    assert browser.post(_page(cast) + "supervision/add/", {}).status_code == 404
    end = _page(cast) + f"supervision/{link.pk}/end/"
    assert browser.post(end, {}).status_code == 404
    assert cast.http("supervisor").get(_page(cast)).status_code == 403
    # A link is reached only through its own supervisee's page.
    wrong = f"/clinic/staff/{cast.users['therapist'].pk}/supervision/{link.pk}/end/"
    assert cast.http("admin").post(wrong, {}).status_code == 404


# --- The migration ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_each_old_supervisor_into_a_primary_link() -> None:
    cast = ensure_cast()
    student, therapist, supervisor = (cast.users[k] for k in ("student", "therapist", "supervisor"))
    before = "0003_flag_unsent_risk_answers"
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("clinic", before)])
        old = executor.loader.project_state([("clinic", before)]).apps
        profiles = old.get_model("clinic", "TherapistProfile")
        # Back down, the student's primary link became the old field again.
        assert profiles.objects.get(user_id=student.pk).supervisor_id == supervisor.pk
        # A registered therapist supervised for certification, under the old field.
        profiles.objects.filter(user_id=therapist.pk).update(supervisor_id=supervisor.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    links = {
        link.supervisee_id: link for link in SupervisionLink.objects.filter(supervisor=supervisor)
    }
    assert set(links) == {student.pk, therapist.pk}
    for person in (student, therapist):
        link = links[person.pk]
        assert (link.is_primary, link.ends_on, link.clinic_id) == (True, None, cast.clinic.pk)
        assert link.starts_on == User.objects.get(pk=person.pk).date_joined.date()
    assert primary_supervisor_of(User.objects.get(pk=therapist.pk)) == supervisor


def test_a_successor_whose_link_ends_leaves_a_gap_and_is_refused(cast: Cast, second: User) -> None:
    link = SupervisionLink.objects.get(supervisee=cast.users["student"], is_primary=True)
    with clock_at(cast.clinic, FROM, 10), pytest.raises(SupervisionError) as refused:
        supervision_link_end(
            actor=actor(cast.users["admin"], "administrator"),
            link=link,
            ends_on=FROM,
            version=link.version,
            successor=second,  # whose link ends on 31 August
        )
    assert "no primary supervisor from 1 September 2026" in str(refused.value)
    assert SupervisionLink.objects.filter(supervisee=cast.users["student"]).count() == 2


def test_an_invited_practicum_student_starts_with_a_primary_link_from_today(cast: Cast) -> None:
    from iptcare.accounts.services import staff_invite

    with clock_at(cast.clinic, FROM, 23):  # 03:00 UTC the next day: the clinic's date counts
        staff_invite(
            actor=actor(cast.users["admin"], "administrator"),
            clinic=cast.clinic,
            email="new-student@example.test",
            full_name="Nora New",
            is_therapist=True,
            therapist_kind="practicum",
            supervisor=cast.users["supervisor"],
        )
    link = SupervisionLink.objects.get(supervisee__email="new-student@example.test")
    assert (link.supervisor, link.is_primary, link.starts_on, link.ends_on) == (
        cast.users["supervisor"],
        True,
        FROM,
        None,
    )
