"""Consents to share and the letter to the referring physician: no valid consent, no
letter; a signed letter is stored and served as signed; everything audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.urls import reverse

from conftest import Cast
from iptcare.audit.models import AccessEntry
from iptcare.courses.selectors import clinic_today
from iptcare.reports import services
from iptcare.reports.models import PhysicianLetter, SharingConsent
from iptcare.reports.services import ReportError
from iptcare.reports.tests.treatment_helpers import finished_course, pdf_text
from tests import factories

if TYPE_CHECKING:  # the test client's response type lives in django-stubs only
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


def _consent(cast: Cast, **fields: object) -> SharingConsent:
    client = cast.clients["client"]
    fields.setdefault("given_on", clinic_today(client.clinic) - timedelta(days=30))
    return services.consent_record(
        actor=factories.therapist_actor(cast.users["therapist"]),
        client=client,
        recipient_name="Dr. Ada Family",
        recipient_address="12 Health Road, Toronto\nFax 416-555-0123",
        scope="A letter about the course.",
        **fields,  # type: ignore[arg-type]  # the dates given, as consent_record takes them
    )


def _post_letter(cast: Cast, course_id: int, consent_id: int) -> _MonkeyPatchedWSGIResponse:
    return cast.http("therapist").post(
        reverse("reports:letter_new", args=[course_id]),
        {"consent": consent_id, "recommendations": "Review in three months."},
    )


def test_a_letter_under_a_valid_consent_is_produced_and_stored(cast: Cast) -> None:
    course = finished_course(cast.clients["client"])
    consent = _consent(cast)

    response = _post_letter(cast, course.pk, consent.pk)

    assert response.status_code == 302
    letter = PhysicianLetter.objects.get(course=course)
    text = pdf_text(bytes(letter.pdf or b""))
    assert "Dr. Ada Family" in text
    assert "Cleo Client" in text
    assert "Sessions attended: 6 of 16" in text
    assert "Role transition" in text
    assert "18" in text and "Reliable improvement" in text
    assert "Review in three months." in text
    download = cast.http("therapist").get(reverse("reports:letter_pdf", args=[letter.pk]))
    assert download.content == bytes(letter.pdf or b"")
    actions = set(
        AccessEntry.objects.filter(
            object_type="reports.physicianletter", object_id=str(letter.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"sign", "export"}


def test_without_a_consent_the_page_says_so_and_nothing_is_produced(cast: Cast) -> None:
    course = finished_course(cast.clients["client"])

    page = cast.http("therapist").get(reverse("reports:letter_new", args=[course.pk]))
    refused = _post_letter(cast, course.pk, 999)

    assert "no valid consent" in page.content.decode()
    assert refused.status_code == 200
    assert PhysicianLetter.objects.count() == 0
    with pytest.raises(ReportError, match="no valid consent"):
        services.letter_sign(
            actor=factories.therapist_actor(cast.users["therapist"]),
            course=course,
            consent_id=None,
            recommendations="",
        )


def test_an_expired_consent_produces_no_letter(cast: Cast) -> None:
    course = finished_course(cast.clients["client"])
    today = clinic_today(course.clinic)
    consent = _consent(
        cast, given_on=today - timedelta(days=60), expires_on=today - timedelta(days=1)
    )

    response = _post_letter(cast, course.pk, consent.pk)

    assert response.status_code == 200
    assert "no valid consent" in response.content.decode()
    assert PhysicianLetter.objects.count() == 0


def test_a_withdrawn_consent_produces_no_letter(cast: Cast) -> None:
    course = finished_course(cast.clients["client"])
    consent = _consent(cast)
    withdraw = cast.http("therapist").post(
        reverse("reports:consent_withdraw", args=[consent.pk]), {"version": consent.version}
    )
    assert withdraw.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == clinic_today(course.clinic)

    response = _post_letter(cast, course.pk, consent.pk)

    assert "no valid consent" in response.content.decode()
    assert PhysicianLetter.objects.count() == 0
    assert not AccessEntry.objects.filter(object_type="reports.physicianletter").exists()
    entries = AccessEntry.objects.filter(object_type="reports.sharingconsent")
    assert set(entries.values_list("action", flat=True)) >= {"create", "update"}


def test_a_consent_of_another_client_cannot_be_used(cast: Cast) -> None:
    course = finished_course(cast.clients["client"])
    other = services.consent_record(
        actor=factories.therapist_actor(cast.users["therapist2"]),
        client=cast.clients["client2"],
        recipient_name="Dr. Other",
        recipient_address="Fax 1",
        scope="All.",
        given_on=date(2026, 1, 1),
    )

    response = _post_letter(cast, course.pk, other.pk)

    assert response.status_code == 200
    assert PhysicianLetter.objects.count() == 0


def test_a_consent_is_valid_up_to_its_expiry_and_until_its_withdrawal() -> None:
    consent = SharingConsent(given_on=date(2026, 8, 1), expires_on=date(2026, 8, 4))
    assert consent.valid_on(date(2026, 8, 4))
    assert not consent.valid_on(date(2026, 8, 5))
    assert not consent.valid_on(date(2026, 7, 31))
    consent.withdrawn_on = date(2026, 8, 3)
    assert consent.valid_on(date(2026, 8, 2))
    assert not consent.valid_on(date(2026, 8, 3))


@time_machine.travel("2026-08-04 15:00:00+00:00", tick=False)
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("given_on", "9999-12-31", "not a date in the future"),
        ("given_on", "²", "Enter a valid date"),
        ("expires_on", "2000-01-01", "cannot expire before it was given"),
        ("recipient_name", "x" * 5000, "at most 200 characters"),
        ("recipient_name", "Dr.\x00 Nul", "Null characters are not allowed"),
        ("recipient_name", "", "This field is required"),
    ],
)
def test_bad_consent_input_is_refused_beside_the_field(
    cast: Cast, field: str, value: str, message: str
) -> None:
    client = cast.clients["client"]
    data = {
        "recipient_name": "Dr. Ada Family",
        "recipient_address": "Fax 416-555-0123",
        "scope": "A letter.",
        "given_on": "2026-01-10",
        "expires_on": "",
        field: value,
    }

    response = cast.http("therapist").post(reverse("reports:consents", args=[client.pk]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert SharingConsent.objects.count() == 0


@time_machine.travel("2026-08-04 15:00:00+00:00", tick=False)
def test_the_care_team_records_a_consent_from_the_page(cast: Cast) -> None:
    client = cast.clients["client"]
    response = cast.http("therapist").post(
        reverse("reports:consents", args=[client.pk]),
        {
            "recipient_name": "Dr. Ada Family",
            "recipient_address": "Fax 416-555-0123",
            "scope": "A letter.",
            "given_on": "2026-01-10",
            "expires_on": "",
        },
    )

    assert response.status_code == 302
    consent = SharingConsent.objects.get()
    assert consent.recorded_by == cast.users["therapist"]
    page = cast.http("therapist").get(reverse("reports:consents", args=[client.pk]))
    assert "Dr. Ada Family" in page.content.decode()
    assert (
        cast.http("therapist2").get(reverse("reports:consents", args=[client.pk])).status_code
        == 404
    )
