"""Writes from the client portal (suggestions, mood) and the therapist's answer to a
suggestion. Each is atomic and writes its access-log entry in the same transaction."""

from __future__ import annotations

import io
import json
import zipfile
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from iptcare.audit.services import Actor, access_record
from iptcare.courses.selectors import clinic_today
from iptcare.portal import selectors
from iptcare.portal.models import MoodEntry, PersonSuggestion
from iptcare.reports.services import fhir_client_bundle

if TYPE_CHECKING:
    from iptcare.clients.models import Client
    from iptcare.courses.models import Course

NAME_MAX, RELATION_MAX, NOTE_MAX = 120, 80, 2000


class PortalError(ValueError):
    """Input the portal refuses; `field` names the form field when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- Relationships -----------------------------------------------------------------------


@transaction.atomic
def person_suggest(
    *, actor: Actor, client: Client, name: str, relation: str, note: str = ""
) -> PersonSuggestion:
    """The client suggests someone for their current course's inventory."""
    name, relation, note = name.strip(), relation.strip(), note.strip()
    if not name:
        raise PortalError("Please write the person's name (a first name is enough).", field="name")
    if len(name) > NAME_MAX:
        raise PortalError(f"Please keep the name under {NAME_MAX} characters.", field="name")
    if not relation:
        raise PortalError(
            "Please say who they are to you, for example friend or sister.", field="relation"
        )
    if len(relation) > RELATION_MAX:
        raise PortalError(f"Please keep this under {RELATION_MAX} characters.", field="relation")
    if len(note) > NOTE_MAX:
        raise PortalError(f"Please keep the note under {NOTE_MAX} characters.", field="note")
    course = selectors.current_course_for(client)
    if course is None or not course.is_open:
        raise PortalError(
            "You can suggest people once your course of therapy has started. "
            "Tell your therapist about them at your next appointment."
        )
    suggestion = PersonSuggestion.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        course=course,
        name=name,
        relation=relation,
        note=note,
    )
    access_record(actor=actor, action="create", client=client, target=suggestion)
    return suggestion


@transaction.atomic
def suggestion_decide(
    *, actor: Actor, suggestion: PersonSuggestion, course: Course, add: bool
) -> PersonSuggestion:
    """The therapist adds the suggested person to the inventory, or leaves them out."""
    from iptcare.formulation.services import person_create

    locked = PersonSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.course_id != course.pk:
        raise PortalError("This suggestion belongs to another course.")
    if locked.status != PersonSuggestion.Status.NEW:
        raise PortalError(f"{locked.name} was already answered ({locked.get_status_display()}).")
    if add:
        person_create(actor=actor, course=course, name=locked.name, relation=locked.relation)
    locked.status = PersonSuggestion.Status.ADDED if add else PersonSuggestion.Status.DISMISSED
    locked.decided_at = timezone.now()
    locked.decided_by = actor.user
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    access_record(
        actor=actor, action="update", client=course.client, target=locked, detail=locked.status
    )
    return locked


# --- Mood log ----------------------------------------------------------------------------


@transaction.atomic
def mood_record(*, actor: Actor, client: Client, rating: int | None, note: str = "") -> MoodEntry:
    """Today's mood (the clinic's date): a second rating the same day replaces the first."""
    course = selectors.current_course_for(client)
    scale = selectors.mood_scale_for(course)
    if rating is None or rating not in scale:
        raise PortalError(
            f"Choose a number from {scale.low} to {scale.high} ({scale.high} is the best mood).",
            field="rating",
        )
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise PortalError(f"Please keep the note under {NOTE_MAX} characters.", field="note")
    today = clinic_today(client.clinic)
    values = {
        "clinic_id": client.clinic_id,
        "course": course,
        "rating": rating,
        "scale_low": scale.low,
        "scale_high": scale.high,
        "note": note,
    }
    entry = MoodEntry.objects.select_for_update().filter(client=client, day=today).first()
    action = "update"
    if entry is None:
        try:
            # Two tabs saving at once: the unique constraint keeps one row; the loser updates it.
            with transaction.atomic():
                entry = MoodEntry.objects.create(client=client, day=today, **values)
            action = "create"
        except IntegrityError:
            entry = MoodEntry.objects.select_for_update().get(client=client, day=today)
    if action == "update":
        for key, value in values.items():
            setattr(entry, key, value)
        entry.save()
    access_record(actor=actor, action=action, client=client, target=entry, detail=f"mood {rating}")
    return entry


# --- Download my data --------------------------------------------------------------------


@transaction.atomic
def my_data_export(*, actor: Actor, client: Client) -> bytes:
    """A zip of the client's data: summary.pdf for reading, my-data.json for machines,
    and my-record.fhir.json, their record as a FHIR R4 Bundle for another clinic's system."""
    from weasyprint import HTML

    mine = selectors.my_data_for(client)
    exported_at = timezone.now()
    mine.data["exported_at"] = exported_at.isoformat(timespec="seconds")
    zone = ZoneInfo(client.clinic.time_zone)
    with timezone.override(zone):
        html = render_to_string(
            "portal/my_data_summary.html",
            {"mine": mine, "clinic": client.clinic, "exported_at": exported_at},
        )
    pdf = HTML(string=html).write_pdf()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.pdf", pdf)
        archive.writestr(
            "my-data.json", json.dumps(mine.data, indent=2, ensure_ascii=False, default=str)
        )
        archive.writestr("my-record.fhir.json", fhir_client_bundle(client=client))
    access_record(
        actor=actor, action="export", client=client, target=client, detail="download my data"
    )
    return buffer.getvalue()
