"""Writes for the public site, intake requests and self-reflections. Each is atomic and
writes its audit entry in the same transaction."""

from __future__ import annotations

import hashlib
import hmac
import io
from datetime import date, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.accounts.services import InvitationError, client_portal_invite
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clients.services import ClientError, client_create
from iptcare.clinic.models import Clinic
from iptcare.core import dates
from iptcare.intake import content
from iptcare.intake.models import IntakeEvent, IntakeRequest, PublicSite, SelfReflection
from iptcare.scheduling.selectors import consultations_awaiting_client
from iptcare.scheduling.services import appointment_attach_client

REQUEST_OBJECT = "intake.request"
# Rate limits for the public form: per email address per day, per sender per hour.
MAX_PER_EMAIL_PER_DAY = 3
MAX_PER_SENDER_PER_HOUR = 3
LOGO_MAX_BYTES = 200_000
LOGO_MAX_SIDE = 2000

Status = IntakeRequest.Status
# Declined and referred requests can be reopened by marking them contacted again; a
# converted one is done: its client record carries on from there.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.CONTACTED, Status.CONSULTATION_BOOKED, Status.DECLINED, Status.REFERRED},
    Status.CONTACTED: {Status.CONSULTATION_BOOKED, Status.DECLINED, Status.REFERRED},
    Status.CONSULTATION_BOOKED: {Status.CONTACTED, Status.DECLINED, Status.REFERRED},
    Status.DECLINED: {Status.CONTACTED},
    Status.REFERRED: {Status.CONTACTED},
    Status.CONVERTED: set(),
}
CONVERTIBLE = {Status.NEW, Status.CONTACTED, Status.CONSULTATION_BOOKED}


class IntakeError(ValueError):
    """An intake step the clinic's rules do not allow; the message says why."""


class TooManyRequests(IntakeError):
    """The same address or sender has sent too many requests recently."""


class LogoError(ValueError):
    """An uploaded logo that is not a small, safe PNG or SVG."""


def sender_hash(ip: str | None) -> str:
    if not ip:
        return ""
    return hmac.new(str(settings.SECRET_KEY).encode(), ip.encode(), hashlib.sha256).hexdigest()


# --- Intake requests --------------------------------------------------------------------


@transaction.atomic
def intake_submit(
    *,
    clinic: Clinic,
    ip: str | None,
    full_name: str,
    email: str,
    preferred_contact: str,
    age_group: str,
    concerns: str,
    therapist_preference: str,
    consent_to_contact: bool,
    **details: object,
) -> IntakeRequest:
    """Record a request from the public form, unless this address or sender is over its limit.

    `details` are the form's optional fields (phone, guardian_*, life_changes, ...).
    """
    if not consent_to_contact:
        raise IntakeError("We can only reply if you agree to be contacted.")
    email = email.strip().lower()
    now = timezone.now()
    # Lock the clinic row so two simultaneous posts cannot both slip under the limit.
    Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
    recent = IntakeRequest.objects.filter(clinic=clinic)
    if (
        recent.filter(email=email, created_at__gte=now - timedelta(days=1)).count()
        >= MAX_PER_EMAIL_PER_DAY
    ):
        raise TooManyRequests(
            "We have already received several requests from this email address today. "
            "We will be in touch; if it is urgent, please call the clinic."
        )
    ip_hash = sender_hash(ip)
    if (
        ip_hash
        and recent.filter(ip_hash=ip_hash, created_at__gte=now - timedelta(hours=1)).count()
        >= MAX_PER_SENDER_PER_HOUR
    ):
        raise TooManyRequests(
            "Several requests have just been sent from this connection. Please wait an hour "
            "and try again, or call the clinic."
        )
    request = IntakeRequest.objects.create(
        clinic=clinic,
        full_name=full_name.strip(),
        email=email,
        preferred_contact=preferred_contact,
        age_group=age_group,
        concerns=concerns.strip(),
        therapist_preference=therapist_preference,
        consent_to_contact=True,
        ip_hash=ip_hash,
        created_at=now,
        **details,
    )
    IntakeEvent.objects.create(request=request, kind=IntakeEvent.Kind.SUBMITTED, at=now)
    return request


def _check_admin(actor: Actor, request: IntakeRequest) -> None:
    user = actor.user
    if user is None or not user.is_clinic_admin or user.clinic_id != request.clinic_id:
        raise IntakeError("Only the clinic's administrators work the intake queue.")


def _audit(actor: Actor, request: IntakeRequest, action: str, detail: str) -> None:
    access_record(
        actor=actor,
        action=action,
        client=request.client,
        object_type=REQUEST_OBJECT,
        object_id=str(request.pk),
        detail=detail,
    )


@transaction.atomic
def intake_status_change(
    *, actor: Actor, request: IntakeRequest, to_status: str, note: str = ""
) -> IntakeRequest:
    _check_admin(actor, request)
    locked = IntakeRequest.objects.select_for_update().get(pk=request.pk)
    if to_status not in Status.values:
        raise IntakeError("Choose one of the listed statuses.")
    if to_status == locked.status:
        raise IntakeError(f"This request is already “{locked.get_status_display()}”.")
    if to_status not in TRANSITIONS[locked.status]:
        raise IntakeError(
            f"A request that is “{locked.get_status_display()}” cannot become "
            f"“{Status(to_status).label}”."
        )
    IntakeEvent.objects.create(
        request=locked,
        kind=IntakeEvent.Kind.STATUS,
        by=actor.user,
        from_status=locked.status,
        to_status=to_status,
        note=note.strip(),
    )
    _audit(actor, locked, "update", f"status: {locked.status} → {to_status}")
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def intake_note_add(*, actor: Actor, request: IntakeRequest, note: str) -> IntakeEvent:
    _check_admin(actor, request)
    note = note.strip()
    if not note:
        raise IntakeError("Write the note before saving it.")
    event = IntakeEvent.objects.create(
        request=request, kind=IntakeEvent.Kind.NOTE, by=actor.user, note=note
    )
    _audit(actor, request, "update", "note added")
    return event


def _presenting_concerns(request: IntakeRequest) -> str:
    received = dates.day(request.created_at, ZoneInfo(request.clinic.time_zone))
    parts = [f"In their words (intake request of {received}):", request.concerns]
    if request.life_change_labels:
        parts.append("Life changes: " + ", ".join(request.life_change_labels) + ".")
    return "\n\n".join(parts)


@transaction.atomic
def intake_convert(
    *,
    actor: Actor,
    request: IntakeRequest,
    legal_name: str,
    date_of_birth: date,
    therapists: list[User],
    invite: bool = True,
) -> Client:
    """Turn a request into a client (status intake) and, by default, a portal invitation.

    All or nothing: if the invitation cannot be made, no client is created.
    """
    _check_admin(actor, request)
    locked = IntakeRequest.objects.select_for_update().get(pk=request.pk)
    if locked.client_id is not None:
        raise IntakeError("A client has already been created from this request.")
    if locked.status not in CONVERTIBLE:
        raise IntakeError(
            f"This request is “{locked.get_status_display()}”; mark it contacted first."
        )
    age = Client(date_of_birth=date_of_birth).age_on(timezone.localdate())
    if locked.age_group == IntakeRequest.AgeGroup.ADOLESCENT and not 13 <= age <= 18:
        raise IntakeError(
            f"The request is for an adolescent (13 to 18); this birth date makes {age}."
        )
    if locked.age_group == IntakeRequest.AgeGroup.ADULT and age < 18:
        raise IntakeError(f"The request is for an adult; this birth date makes {age}.")
    fields: dict[str, object] = {
        "preferred_name": locked.preferred_name,
        "email": locked.email,
        "phone": locked.phone,
        "presenting_concerns": _presenting_concerns(locked),
        "status": Client.Status.INTAKE,
    }
    if locked.age_group == IntakeRequest.AgeGroup.ADOLESCENT:
        fields.update(
            emergency_contact_name=locked.guardian_name,
            emergency_contact_phone=locked.guardian_phone,
            emergency_contact_relation=locked.guardian_relationship or "parent or guardian",
        )
    try:
        client = client_create(
            actor=actor,
            clinic=locked.clinic,
            legal_name=legal_name.strip(),
            date_of_birth=date_of_birth,
            therapists=therapists,
            **fields,
        )
        if invite:
            client_portal_invite(actor=actor, client=client)
    except (ClientError, InvitationError) as exc:
        # Leaving the atomic block with an error undoes the client too: all or nothing.
        raise IntakeError(str(exc)) from exc
    from_status = locked.status
    locked.client = client
    locked.status = Status.CONVERTED
    locked.save(update_fields=["client", "status", "updated_at"])
    # The consultation they booked on the public site (same email) becomes the client's.
    linked = [
        appointment_attach_client(actor=actor, appointment=consultation, client=client)
        for consultation in consultations_awaiting_client(locked.clinic_id, locked.email)
    ]
    IntakeEvent.objects.create(
        request=locked,
        kind=IntakeEvent.Kind.CONVERTED,
        by=actor.user,
        from_status=from_status,
        to_status=Status.CONVERTED,
        note=f"Client {client.chart_number} created"
        + ("; portal invitation sent" if invite else "")
        + (f"; {len(linked)} consultation{pluralize(len(linked))} linked" if linked else "")
        + ".",
    )
    _audit(actor, locked, "create", f"client {client.chart_number} created from intake request")
    return client


# --- Public site ------------------------------------------------------------------------

SITE_FIELDS = (
    "host",
    "tagline",
    "welcome",
    "about_ipt",
    "what_to_expect",
    "focus_grief",
    "focus_role_dispute",
    "focus_role_transition",
    "focus_fourth",
    "adaptations",
    "fees_note",
    "contact_note",
    "primary_colour",
)
SVG_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "use", "image"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def logo_check(data: bytes) -> str:
    """The logo's content type if it is a small PNG or a plain SVG; else LogoError."""
    if not data:
        raise LogoError("The file is empty.")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(f"The logo must be under {LOGO_MAX_BYTES // 1000} kB.")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                width, height = image.size
        except Exception as exc:
            raise LogoError("This PNG file is damaged.") from exc
        if max(width, height) > LOGO_MAX_SIDE:
            raise LogoError(f"The logo must be at most {LOGO_MAX_SIDE} pixels wide and high.")
        return "image/png"
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise LogoError("SVG files with a DOCTYPE or entities are not accepted.")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise LogoError("Upload a PNG or SVG image.") from exc
    if _local(root.tag) != "svg":
        raise LogoError("Upload a PNG or SVG image.")
    for element in root.iter():
        if _local(element.tag) in SVG_FORBIDDEN:
            raise LogoError(f"SVG logos cannot contain <{_local(element.tag)}>.")
        for name, value in element.attrib.items():
            local = _local(name)
            if local.startswith("on") or (local == "href" and not value.startswith("#")):
                raise LogoError("SVG logos cannot contain scripts or links.")
            if "url(" in value and "url(#" not in value.replace(" ", ""):
                raise LogoError("SVG logos cannot load other files.")
    return "image/svg+xml"


@transaction.atomic
def public_site_update(
    *,
    actor: Actor,
    clinic: Clinic,
    logo: bytes | None = None,
    remove_logo: bool = False,
    **changes: object,
) -> PublicSite:
    unknown = set(changes) - set(SITE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown public site fields: {', '.join(sorted(unknown))}")
    site, _ = PublicSite.objects.select_for_update().get_or_create(clinic=clinic)
    changed = [name for name, value in changes.items() if getattr(site, name) != value]
    for name in changed:
        setattr(site, name, changes[name])
    if logo is not None:
        site.logo_content_type = logo_check(logo)
        site.logo = logo
        changed += ["logo", "logo_content_type"]
    elif remove_logo and site.has_logo:
        site.logo, site.logo_content_type = None, ""
        changed += ["logo", "logo_content_type"]
    if changed:
        site.full_clean(exclude=["clinic"])
        site.updated_by = actor.user
        site.save()
        access_record(
            actor=actor,
            action="update",
            client=None,
            target=site,
            detail="changed: " + ", ".join(dict.fromkeys(changed)),
        )
    return site


# --- Self-reflection --------------------------------------------------------------------

REFLECTION_TEXT = (
    "mood_situations",
    "symptom_pattern",
    "duration",
    "duration_note",
    "impact_note",
    "related_to_loss",
    "related_note",
)


def _ratings(values: dict[str, object], allowed: list[tuple[str, str]]) -> dict[str, int]:
    codes = {code for code, _ in allowed}
    ratings: dict[str, int] = {}
    for code, value in values.items():
        if value is None or value == "":
            continue
        if code not in codes or not isinstance(value, int) or not 0 <= value <= 10:
            raise IntakeError("Ratings go from 0 (none) to 10 (extreme).")
        ratings[code] = value
    return ratings


@transaction.atomic
def reflection_save(
    *,
    actor: Actor,
    client: Client,
    impact: dict[str, object],
    distress: dict[str, object],
    finished: bool = False,
    **answers: str,
) -> SelfReflection:
    """Save the client's answers so far (called on every change: saved as you go)."""
    if actor.user is None or client.user_id != actor.user.pk:
        raise IntakeError("Only the client fills in their self-reflection.")
    unknown = set(answers) - set(REFLECTION_TEXT)
    if unknown:
        raise ValueError(f"Unknown self-reflection fields: {', '.join(sorted(unknown))}")
    reflection, _ = SelfReflection.objects.select_for_update().get_or_create(
        client=client, defaults={"clinic_id": client.clinic_id}
    )
    for name, value in answers.items():
        setattr(reflection, name, value.strip())
    reflection.impact = _ratings(impact, content.IMPACT_SPHERES)
    reflection.distress = _ratings(distress, content.LIFE_AREAS)
    if finished and reflection.finished_at is None:
        reflection.finished_at = timezone.now()
    reflection.full_clean(exclude=["clinic", "client"])
    reflection.save()
    access_record(
        actor=actor,
        action="update",
        client=client,
        target=reflection,
        detail="self-reflection " + ("shared" if finished else "saved"),
    )
    return reflection
