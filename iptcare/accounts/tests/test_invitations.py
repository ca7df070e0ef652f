from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from iptcare.accounts.models import Invitation, User
from iptcare.accounts.services import (
    InvitationError,
    client_portal_invite,
    invitation_accept,
    staff_invite,
)
from iptcare.audit.models import AccessEntry
from iptcare.audit.services import Actor
from tests import factories

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def _admin(cast: Cast) -> Actor:
    return Actor(user=cast.users["admin"], role="administrator")


def _link_token(message: str) -> str:
    line = next(line for line in message.splitlines() if "/accounts/invitations/" in line)
    return line.rstrip("/").split("/")[-1]


def test_it_emails_a_single_use_link_that_sets_the_password(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = staff_invite(
            actor=_admin(cast),
            clinic=cast.clinic,
            email="New.Person@Example.test",
            full_name="New Person",
            is_supervisor=True,
        )
    assert len(mail.outbox) == 1
    assert _link_token(str(mail.outbox[0].body)) == token
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    user = User.objects.get(email="new.person@example.test")
    assert not user.is_active and not user.has_usable_password()

    invitation_accept(token=token, password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD)


def test_it_rejects_a_used_invitation(cast: Cast) -> None:
    _, token = staff_invite(
        actor=_admin(cast),
        clinic=cast.clinic,
        email="once@example.test",
        full_name="Once",
        is_supervisor=True,
    )
    invitation_accept(token=token, password=NEW_PASSWORD)
    with pytest.raises(InvitationError, match="used"):
        invitation_accept(token=token, password="another-long-password-1")
    assert User.objects.get(email="once@example.test").check_password(NEW_PASSWORD)


def test_it_rejects_an_expired_invitation_and_changes_nothing(cast: Cast) -> None:
    invitation, token = staff_invite(
        actor=_admin(cast),
        clinic=cast.clinic,
        email="late@example.test",
        full_name="Late",
        is_supervisor=True,
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(InvitationError, match="expired"):
        invitation_accept(token=token, password=NEW_PASSWORD)
    user = User.objects.get(email="late@example.test")
    assert not user.is_active and not user.has_usable_password()


def test_a_new_invitation_replaces_the_old_link(cast: Cast) -> None:
    client = cast.clients["student_client"]
    client.email = "ben@example.test"
    client.save()
    _, first = client_portal_invite(actor=_admin(cast), client=client)
    _, second = client_portal_invite(actor=_admin(cast), client=client)
    with pytest.raises(InvitationError, match="replaced"):
        invitation_accept(token=first, password=NEW_PASSWORD)
    user = invitation_accept(token=second, password=NEW_PASSWORD)
    assert user.is_client and user.client_record == client
    assert AccessEntry.objects.filter(client=client, detail="portal invitation").count() == 2


@pytest.mark.parametrize(
    ("status", "age", "heading"),
    [
        ("used", timedelta(0), "already been used"),
        ("expired", timedelta(days=8), "has expired"),
    ],
)
def test_the_invitation_page_explains_an_unusable_link(
    cast: Cast, client, status: str, age: timedelta, heading: str
) -> None:
    invitation, token = staff_invite(
        actor=_admin(cast),
        clinic=cast.clinic,
        email=f"{status}@example.test",
        full_name="Pat",
        is_supervisor=True,
    )
    if status == "used":
        invitation_accept(token=token, password=NEW_PASSWORD)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - age, expires_at=timezone.now() - age + timedelta(days=7)
    )
    response = client.get(f"/accounts/invitations/{token}/")
    assert response.status_code == 410
    assert heading in response.content.decode()


def test_accepting_through_the_page_logs_the_person_in(cast: Cast, client) -> None:
    _, token = staff_invite(
        actor=_admin(cast),
        clinic=cast.clinic,
        email="page@example.test",
        full_name="Page",
        is_therapist=True,
        registration_number="123",
    )
    response = client.post(
        f"/accounts/invitations/{token}/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/home/"
    assert client.get("/home/").status_code == 200


def test_a_weak_password_is_refused_beside_the_field_and_the_link_still_works(
    cast: Cast, client
) -> None:
    _, token = staff_invite(
        actor=_admin(cast),
        clinic=cast.clinic,
        email="weak@example.test",
        full_name="Weak",
        is_supervisor=True,
    )
    response = client.post(
        f"/accounts/invitations/{token}/", {"new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.get(email="weak@example.test").is_active
    assert client.get(f"/accounts/invitations/{token}/").status_code == 200


def test_a_practicum_student_cannot_be_invited_without_a_supervisor(cast: Cast) -> None:
    with pytest.raises(InvitationError, match="supervisor"):
        staff_invite(
            actor=_admin(cast),
            clinic=cast.clinic,
            email="stu@example.test",
            full_name="Stu",
            is_therapist=True,
            therapist_kind="practicum",
        )
    assert not User.objects.filter(email="stu@example.test").exists()


def test_the_staff_invite_form_shows_errors_beside_fields(cast: Cast) -> None:
    browser = cast.http("admin")
    response = browser.post(
        "/clinic/staff/invite/",
        {
            "full_name": "",
            "email": cast.users["therapist"].email,
            "is_therapist": "on",
            "therapist_kind": "practicum",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert "already has an account" in body
    assert "needs a supervisor" in body
    assert User.objects.filter(email=cast.users["therapist"].email).count() == 1


def test_a_client_is_invited_by_their_preferred_name_on_a_page_naming_the_clinic(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    client = factories.client(
        cast.clinic,
        legal_name="Margaret O'Neil",
        preferred_name="Maggie",
        email="maggie@example.test",
        password=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        _, token = client_portal_invite(actor=_admin(cast), client=client)
    body = str(mail.outbox[-1].body)
    assert body.startswith("Hello Maggie,")
    assert "Margaret" not in body and "&#x27;" not in body
    page = cast.http(None).get(reverse("accounts:invitation_accept", args=[token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"<h1>Welcome to {cast.clinic.name}</h1>" in html
    assert "Hello Maggie." in html
    assert f"· {cast.clinic.name}</title>" in html
