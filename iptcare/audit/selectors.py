from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import Q, QuerySet

from iptcare.accounts.models import Role
from iptcare.audit.models import AccessEntry
from iptcare.clients.models import Client


@dataclass(frozen=True)
class AccessQuery:
    client: str = ""  # a client's name (legal or preferred, any part) or chart number
    user_email: str = ""
    date_from: date | None = None
    date_to: date | None = None


def clients_named(clinic_id: int, text: str) -> QuerySet[Client]:
    """The clinic's clients whose chart number is `text`, or whose legal or preferred name
    holds each of its words ("jordan lee", "Jojo Lee", "lee")."""
    text = text.strip()
    named = Q()
    for word in text.split():
        named &= Q(legal_name__icontains=word) | Q(preferred_name__icontains=word)
    return Client.objects.filter(clinic_id=clinic_id).filter(Q(chart_number__iexact=text) | named)


def access_entries_for(
    clinic_id: int, query: AccessQuery, time_zone: str = "UTC"
) -> QuerySet[AccessEntry]:
    """The clinic's access log filtered by client, user and (clinic-local) date range."""
    tz = ZoneInfo(time_zone)
    entries = AccessEntry.objects.filter(clinic_id=clinic_id).select_related("user", "client")
    if query.client.strip():
        entries = entries.filter(client__in=clients_named(clinic_id, query.client).values("pk"))
    if query.user_email:
        entries = entries.filter(user__email__iexact=query.user_email.strip())
    if query.date_from:
        entries = entries.filter(at__gte=datetime.combine(query.date_from, time.min, tzinfo=tz))
    if query.date_to:
        end = datetime.combine(query.date_to + timedelta(days=1), time.min, tzinfo=tz)
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-pk")


# --- The log in the clinic's words ----------------------------------------------------------

# What an object type is called, where its model's own name does not say it well. Strings
# only: the log names objects of every app, and imports none above its layer.
PLAIN_NAMES = {
    "accounts.invitation": "Invitation",
    "audit.accessentry": "Audit log",
    "clients.breakglassaccess": "Emergency access (break the glass)",
    "clinic.clinic": "Clinic details",
    "courses.course": "IPT course",
    "courses.cliniccoursesettings": "Course settings",
    "courses.noteamendment": "Amendment to a session note",
    "intake.request": "Intake request",
    "intake.publicsite": "Public website",
    "intake.selfreflection": "Self-reflection",
    "measures.clinicinstrument": "Questionnaires offered",
    "measures.measurementplan": "Questionnaire schedule",
    "measures.questionnaireresponse": "Questionnaire answers",
    "portal.moodentry": "Mood log entry",
    "portal.personsuggestion": "Person suggested by the client",
    "scheduling.availabilityexception": "Time off",
    "scheduling.schedulingsettings": "Scheduling settings",
    "scheduling.weeklyavailability": "Weekly hours",
}
# Objects told apart by one of their fields: (the field, how the name is written).
# One query per type shown, whatever the number of entries.
NAMED_BY_FIELD = {
    "courses.sessionnote": ("number", "Session note {}"),
    "scheduling.invoice": ("number", "Invoice {}"),
    "accounts.user": ("full_name", "Account of {}"),
}
# A read of a client's record says which part the permission opened.
RECORD_PARTS = {
    "clients.view_clinical": "Clinical record",
    "clients.view_record": "Record",
}
ROLE_NAMES = {**dict(Role.choices), "system": "System"}


@dataclass(frozen=True)
class AccessRow:
    """One entry as a privacy officer reads it."""

    entry: AccessEntry
    who: str  # "Tara Therapist", "System"
    role: str  # "Therapist", "Clinic administrator"
    action: str  # "Viewed"
    what: str  # "Session note 3 of Jordan Lee"
    note: str  # the entry's detail, unless `what` already says it


def _type_name(object_type: str) -> str:
    if object_type in PLAIN_NAMES:
        return PLAIN_NAMES[object_type]
    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type.rsplit(".", 1)[-1].replace("_", " ")
    return name[:1].upper() + name[1:]


def _field_names(entries: list[AccessEntry]) -> dict[tuple[str, str], str]:
    """{(object type, id): the naming field's value} for the entries NAMED_BY_FIELD names."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.object_type in NAMED_BY_FIELD and entry.object_id.isdigit():
            wanted[entry.object_type].add(int(entry.object_id))
    found: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        field, _ = NAMED_BY_FIELD[object_type]
        model = apps.get_model(object_type)
        for pk, value in model._default_manager.filter(pk__in=ids).values_list("pk", field):
            found[object_type, str(pk)] = str(value)
    return found


def _permissions_in(detail: str) -> list[str]:
    """The permissions a read's detail names ("clients.view_record; clients.view_clinical"),
    or none when it says anything else."""
    parts = [part.strip() for part in detail.split(";")]
    return parts if parts and all(part in RECORD_PARTS for part in parts) else []


def _what(entry: AccessEntry, names: dict[tuple[str, str], str]) -> str:
    client = entry.client
    if entry.object_type == "clients.client":
        # The widest part the request opened (the record, then its clinical part: clinical).
        clinical = "clients.view_clinical" in _permissions_in(entry.detail)
        part = RECORD_PARTS["clients.view_clinical" if clinical else "clients.view_record"]
        return f"{part} of {client.display_name}" if client else part
    if entry.object_type in NAMED_BY_FIELD:
        value = names.get((entry.object_type, entry.object_id))
        if entry.object_type == "accounts.user" and client is not None:
            return f"Portal account of {client.display_name}"
        if value is not None:
            name = NAMED_BY_FIELD[entry.object_type][1].format(value)
            return f"{name} of {client.display_name}" if client else name
    name = _type_name(entry.object_type)
    return f"{name} of {client.display_name}" if client else name


def access_rows(entries: Iterable[AccessEntry]) -> list[AccessRow]:
    """The entries in plain words: who, in which role, did what to which object of whose
    record. Entries come with their user and client (access_entries_for); this adds one
    query per kind of object named by a field (NAMED_BY_FIELD) among them, at most three,
    however many entries."""
    entries = list(entries)
    names = _field_names(entries)
    rows = []
    for entry in entries:
        user = entry.user
        role = entry.acting_role
        rows.append(
            AccessRow(
                entry=entry,
                who=(user.full_name or user.email) if user else ROLE_NAMES.get(role, "—"),
                role=ROLE_NAMES.get(role, role.replace("_", " ").capitalize()),
                action=entry.get_action_display(),
                what=_what(entry, names),
                note="" if _permissions_in(entry.detail) else entry.detail,
            )
        )
    return rows


def recent_entries(clinic_id: int, limit: int = 10) -> list[AccessRow]:
    return access_rows(
        AccessEntry.objects.filter(clinic_id=clinic_id)
        .select_related("user", "client")
        .order_by("-at", "-pk")[:limit]
    )
