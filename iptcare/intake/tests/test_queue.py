"""Administrators work the intake queue and turn a request into a client in one step."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from conftest import Cast
from iptcare.accounts.models import Invitation
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.intake import services
from iptcare.intake.models import IntakeRequest


def submit(cast: Cast, email: str = "sky.martin@example.test", **changes: object) -> IntakeRequest:
    data: dict[str, object] = dict(
        full_name="Sky Martin",
        email=email,
        preferred_contact="email",
        age_group="adult",
        concerns="Things have been hard since my mother died.",
        therapist_preference="registered",
        consent_to_contact=True,
        life_changes=["death_in_family", "other"],
        life_change_other="Lost my dog too",
    )
    data.update(changes)
    return services.intake_submit(clinic=cast.clinic, ip=None, **data)  # type: ignore[arg-type]  # the test feeds deliberately loose values


def admin(cast: Cast) -> Actor:
    return Actor(user=cast.users["admin"], role="administrator")


def test_status_changes_are_kept_with_who_did_it_and_when(cast: Cast) -> None:
    request = submit(cast)
    browser = cast.http("admin")
    url = reverse("intake:request_status", args=[request.pk])
    assert (
        browser.post(url, {"to_status": "contacted", "note": "Called, left message"}).status_code
        == 302
    )
    assert browser.post(url, {"to_status": "consultation_booked"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "consultation_booked"
    events = list(request.events.all())
    assert [(e.kind, e.from_status, e.to_status) for e in events] == [
        ("submitted", "", ""),
        ("status", "new", "contacted"),
        ("status", "contacted", "consultation_booked"),
    ]
    assert events[1].by == cast.users["admin"] and events[1].note == "Called, left message"
    page = browser.get(reverse("intake:request_detail", args=[request.pk])).content.decode()
    assert "New → Contacted" in page and "Called, left message" in page
    assert cast.users["admin"].full_name in page


def test_a_status_change_the_rules_do_not_allow_changes_nothing(cast: Cast) -> None:
    request = submit(cast)
    services.intake_status_change(actor=admin(cast), request=request, to_status="declined")
    response = cast.http("admin").post(
        reverse("intake:request_status", args=[request.pk]), {"to_status": "consultation_booked"}
    )
    assert response.status_code == 400
    assert "valid choice" in response.content.decode()
    with pytest.raises(services.IntakeError, match="cannot become"):
        services.intake_status_change(actor=admin(cast), request=request, to_status="referred")
    request.refresh_from_db()
    assert request.status == "declined"
    assert request.events.filter(kind="status").count() == 1


def test_a_declined_request_can_be_reopened(cast: Cast) -> None:
    request = submit(cast)
    services.intake_status_change(actor=admin(cast), request=request, to_status="declined")
    reopened = services.intake_status_change(
        actor=admin(cast), request=request, to_status="contacted"
    )
    assert reopened.status == "contacted"


def test_notes_are_added_to_the_history_and_an_empty_note_is_refused(cast: Cast) -> None:
    request = submit(cast)
    browser = cast.http("admin")
    url = reverse("intake:request_note", args=[request.pk])
    assert browser.post(url, {"note": "Prefers a female therapist"}).status_code == 302
    assert browser.post(url, {"note": "   "}).status_code == 400
    assert list(request.events.filter(kind="note").values_list("note", flat=True)) == [
        "Prefers a female therapist"
    ]


def test_reading_a_request_is_audited_as_pre_client_data(cast: Cast) -> None:
    request = submit(cast)
    cast.http("admin").get(reverse("intake:request_detail", args=[request.pk]))
    entry = AccessEntry.objects.filter(
        object_type="intake.request", object_id=str(request.pk)
    ).first()
    assert entry is not None
    assert (entry.action, entry.client, entry.user) == ("read", None, cast.users["admin"])
    assert entry.clinic == cast.clinic


def test_the_queue_read_is_audited_and_its_queries_do_not_grow_with_requests(
    cast: Cast, django_assert_max_num_queries
) -> None:
    browser = cast.http("admin")
    for n in range(2):
        submit(cast, email=f"few{n}@example.test")
    with django_assert_max_num_queries(20) as few:
        assert browser.get(reverse("intake:queue")).status_code == 200
    for n in range(40):
        submit(cast, email=f"many{n}@example.test")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = browser.get(reverse("intake:queue"))
    assert "many39@example.test" not in page.content.decode()  # emails stay on the detail page
    assert AccessEntry.objects.filter(
        object_type="intake.request", action="read", client=None
    ).exists()


def test_converting_creates_the_client_and_sends_the_invitation_in_one_step(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    request = submit(cast)
    therapist = cast.users["therapist"]
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.http("admin").post(
            reverse("intake:request_convert", args=[request.pk]),
            {
                "legal_name": "Skyler Martin",
                "date_of_birth": "1990-05-01",
                "therapists": [therapist.pk],
                "invite": "on",
            },
        )
    request.refresh_from_db()
    client = request.client
    assert client is not None
    assert response["Location"] == reverse("clients:detail", args=[client.pk])
    assert (client.legal_name, client.email, client.status) == (
        "Skyler Martin",
        "sky.martin@example.test",
        "intake",
    )
    assert "since my mother died" in client.presenting_concerns
    assert (
        "Death in the family" in client.presenting_concerns
        and "Lost my dog too" in client.presenting_concerns
    )
    assert list(client.therapists.all()) == [therapist]
    assert Invitation.objects.filter(user=client.user).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sky.martin@example.test"]
    assert "/accounts/invitations/" in mail.outbox[0].body
    assert request.events.filter(kind="converted").exists()
    # From now on, reads of the request are filed under the client.
    cast.http("admin").get(reverse("intake:request_detail", args=[request.pk]))
    latest = AccessEntry.objects.filter(object_type="intake.request", action="read").first()
    assert latest is not None and latest.client == client


def test_a_failed_invitation_creates_no_client_at_all(cast: Cast) -> None:
    request = submit(cast, email=cast.users["therapist"].email)  # already a staff login
    clients = Client.objects.count()
    response = cast.http("admin").post(
        reverse("intake:request_convert", args=[request.pk]),
        {"legal_name": "Sky Martin", "date_of_birth": "1990-05-01", "invite": "on"},
    )
    assert response.status_code == 400
    assert "already belongs to another account" in response.content.decode()
    assert Client.objects.count() == clients
    request.refresh_from_db()
    assert request.client is None and not request.events.filter(kind="converted").exists()
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    ("age_group", "born", "message"),
    [("adolescent", date(1990, 1, 1), "adolescent"), ("adult", date(2012, 1, 1), "adult")],
)
def test_a_birth_date_that_contradicts_the_age_group_is_refused(
    cast: Cast, age_group: str, born: date, message: str
) -> None:
    extra = (
        {"guardian_name": "Kim Martin", "guardian_phone": "416-555-0100"}
        if age_group == "adolescent"
        else {}
    )
    request = submit(cast, age_group=age_group, **extra)
    with pytest.raises(services.IntakeError, match=message):
        services.intake_convert(
            actor=admin(cast),
            request=request,
            legal_name="Sky Martin",
            date_of_birth=born,
            therapists=[],
        )
    assert not Client.objects.filter(legal_name="Sky Martin").exists()


def test_an_adolescents_guardian_becomes_the_emergency_contact(cast: Cast) -> None:
    request = submit(
        cast,
        age_group="adolescent",
        guardian_name="Kim Martin",
        guardian_phone="416-555-0100",
        guardian_relationship="father",
    )
    client = services.intake_convert(
        actor=admin(cast),
        request=request,
        legal_name="Sky Martin",
        date_of_birth=date(2010, 2, 2),
        therapists=[],
        invite=False,
    )
    assert (client.emergency_contact_name, client.emergency_contact_relation) == (
        "Kim Martin",
        "father",
    )
    assert client.user is None


def test_a_request_cannot_be_converted_twice_or_when_declined(cast: Cast) -> None:
    request = submit(cast)
    services.intake_convert(
        actor=admin(cast),
        request=request,
        legal_name="Sky Martin",
        date_of_birth=date(1990, 1, 1),
        therapists=[],
        invite=False,
    )
    with pytest.raises(services.IntakeError, match="already"):
        services.intake_convert(
            actor=admin(cast),
            request=request,
            legal_name="Sky Martin",
            date_of_birth=date(1990, 1, 1),
            therapists=[],
            invite=False,
        )
    declined = submit(cast, email="other@example.test")
    services.intake_status_change(actor=admin(cast), request=declined, to_status="declined")
    with pytest.raises(services.IntakeError, match="contacted first"):
        services.intake_convert(
            actor=admin(cast),
            request=declined,
            legal_name="X Y",
            date_of_birth=date(1990, 1, 1),
            therapists=[],
            invite=False,
        )


@pytest.mark.parametrize("role", ["therapist", "supervisor", "student", "client"])
def test_only_administrators_work_the_queue(cast: Cast, role: str) -> None:
    request = submit(cast)
    browser = cast.http(role)
    assert browser.get(reverse("intake:queue")).status_code == 403
    assert (
        browser.post(
            reverse("intake:request_status", args=[request.pk]), {"to_status": "contacted"}
        ).status_code
        == 403
    )
    with pytest.raises(services.IntakeError):
        services.intake_status_change(
            actor=Actor(user=cast.users[role], role=role), request=request, to_status="contacted"
        )
    request.refresh_from_db()
    assert request.status == "new"


def test_another_clinics_administrator_cannot_see_or_change_a_request(cast: Cast) -> None:
    request = submit(cast)
    browser = cast.http("other_admin")
    assert browser.get(reverse("intake:request_detail", args=[request.pk])).status_code == 404
    assert browser.post(reverse("intake:request_convert", args=[request.pk]), {}).status_code == 404
    assert "Sky Martin" not in browser.get(reverse("intake:queue")).content.decode()


def test_converting_links_the_consultation_booked_on_the_public_site(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    """A newcomer books a consultation on the public site, then the clinic makes them a
    client from their intake request (same email): the consultation is now the client's,
    on their record and in the therapist's schedule under their name."""
    from datetime import timedelta

    from django.utils import timezone

    from iptcare.scheduling import selectors as scheduling
    from iptcare.scheduling import services as booking
    from iptcare.scheduling.models import Appointment
    from tests import factories

    therapist = cast.users["therapist"]
    factories.weekly_hours(therapist, [(d, 9, 17, "in_person") for d in range(7)])
    not_before = timezone.now() + timedelta(hours=30)
    slots = scheduling.free_slots(
        therapist,
        clinic=cast.clinic,
        kind="consultation",
        first=not_before.date(),
        days=14,
        not_before=not_before,
    )
    held, token = booking.consultation_request(
        actor=admin(cast),
        clinic=cast.clinic,
        therapist=therapist,
        starts_at=slots[0].starts_at,
        name="Sky",
        email="Sky.Martin@example.test",  # the email's case does not matter
        phone="4165550100",
    )
    booking.consultation_confirm(token=token)
    robins, _ = booking.consultation_request(
        actor=admin(cast),
        clinic=cast.clinic,
        therapist=therapist,
        starts_at=slots[-1].starts_at,
        name="Robin",
        email="robin@example.test",
        phone="4165550101",
    )
    request = submit(cast)
    with django_capture_on_commit_callbacks(execute=True):
        client = services.intake_convert(
            actor=admin(cast),
            request=request,
            legal_name="Skyler Martin",
            date_of_birth=date(1990, 5, 1),
            therapists=[therapist],
        )
    held.refresh_from_db()
    assert (held.client, held.status) == (client, Appointment.Status.BOOKED)
    assert held in scheduling.appointments_of_client(client)
    robins.refresh_from_db()
    assert robins.client is None  # another person's booking stays theirs
    entry = AccessEntry.objects.filter(detail="consultation linked").get()
    assert (entry.client, entry.object_id) == (client, str(held.pk))
    assert "1 consultation linked" in request.events.get(kind="converted").note


def test_the_date_of_birth_from_the_public_form_is_already_in_the_conversion_form(
    cast: Cast,
) -> None:
    request = submit(cast, date_of_birth=date(1990, 5, 1))
    page = cast.http("admin").get(reverse("intake:request_convert", args=[request.pk]))
    assert page.status_code == 200
    assert 'value="1990-05-01"' in page.content.decode()


def test_a_request_turns_converted_when_its_client_is_created_and_stays_so(cast: Cast) -> None:
    request = submit(cast)
    services.intake_status_change(actor=admin(cast), request=request, to_status="contacted")
    client = services.intake_convert(
        actor=admin(cast),
        request=request,
        legal_name="Sky Martin",
        date_of_birth=date(1990, 1, 1),
        therapists=[],
        invite=False,
    )
    request.refresh_from_db()
    assert (request.status, request.client) == ("converted", client)
    event = request.events.get(kind="converted")
    assert (event.from_status, event.to_status) == ("contacted", "converted")
    with pytest.raises(services.IntakeError, match="cannot become"):
        services.intake_status_change(actor=admin(cast), request=request, to_status="declined")
    browser = cast.http("admin")
    queue = browser.get(reverse("intake:queue"), {"status": "converted"}).content.decode()
    assert "Converted to a client" in queue and "Sky Martin" in queue
    detail = browser.get(reverse("intake:request_detail", args=[request.pk])).content.decode()
    assert "Change status" not in detail
