"""Writes to supervision records: atomic, audited, version-checked."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clinic.selectors import supervisees_of, supervisors_of
from iptcare.core import dates
from iptcare.courses import services as course_services
from iptcare.courses.models import NoteVersion, SessionNote
from iptcare.courses.selectors import clinic_today
from iptcare.courses.services import (
    NOTE_PARTS,
    STALE,
    CourseError,
    signature_identity_check,
)
from iptcare.supervision import certification
from iptcare.supervision.models import (
    AgreedAction,
    FidelityItem,
    FidelityRating,
    FidelityScale,
    FidelityScore,
    HoursAdjustment,
    HoursSignOff,
    NoteReview,
    SupervisionMeeting,
    SupervisionSettings,
)
from iptcare.supervision.scales import SHIPPED_CODE, SHIPPED_FILE
from iptcare.supervision.scales.fileformat import ScaleFileError, ScaleSpec, read_scale_file
from iptcare.supervision.selectors import (
    Hours,
    fidelity_scale_by_code,
    fidelity_scale_of,
    hours_record_reads,
    note_phase,
)


class SupervisionError(ValueError):
    """A supervision change the clinic's rules refuse; `field` names the form field it is
    about. Each part of the app refuses with its own kind (below)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- Review of notes -----------------------------------------------------------------------

COMMENT_MAX = 10_000
PART_COMMENT_MAX = 2_000


class ReviewError(CourseError):
    """A review the loop refuses; `field` names the form field it is about."""


def _latest_version(note: SessionNote) -> NoteVersion:
    version = NoteVersion.objects.filter(note=note).order_by("-number").first()
    if version is None:  # every signing keeps one; a note never signed cannot wait
        raise ReviewError("This note has no signed version to review.")
    return version


def _clean_comment(text: object, limit: int, field: str) -> str:
    if not isinstance(text, str):
        raise ReviewError("Write the comment as text.", field)
    text = text.replace("\x00", "").strip()
    if len(text) > limit:
        raise ReviewError(f"Keep this to {limit:,} characters or fewer.", field)
    return text


def _clean_part_comments(part_comments: Mapping[str, object] | None) -> dict[str, str]:
    if part_comments is None:
        return {}
    if not isinstance(part_comments, Mapping):
        raise ReviewError("Give the comments on parts of the note by part name.")
    unknown = sorted(str(name) for name in part_comments if name not in NOTE_PARTS)
    if unknown:
        raise ReviewError(
            f"The note has no part called {', '.join(unknown)}: comment on "
            f"{', '.join(NOTE_PARTS.values())}."
        )
    cleaned = {}
    for name in NOTE_PARTS:  # the note's order
        if name in part_comments:
            text = _clean_comment(part_comments[name], PART_COMMENT_MAX, f"part_{name}")
            if text:
                cleaned[name] = text
    return cleaned


def note_return(
    *,
    actor: Actor,
    note: SessionNote,
    version: int,
    comment: str,
    part_comments: Mapping[str, object] | None = None,
    secret: str | None = None,
) -> NoteReview:
    """The supervisor returns a note waiting for co-signature to its author for revision,
    with a general comment (required) and comments on named parts of the note. Only a
    current supervisor of the author may (courses' `courses.cosign_note`), never the
    author; `version` is the note's version the supervisor read, so a review of a note
    that changed since is refused. `secret`: the password or two-step code, where the
    clinic asks for it again (checked before the transaction: see
    courses.services.signature_identity_check)."""
    signature_identity_check(actor=actor, clinic_id=note.clinic_id, secret=secret)
    return _note_return(
        actor=actor, note=note, version=version, comment=comment, part_comments=part_comments
    )


@transaction.atomic
def _note_return(
    *,
    actor: Actor,
    note: SessionNote,
    version: int,
    comment: str,
    part_comments: Mapping[str, object] | None,
) -> NoteReview:
    # Who may, and whether the note still waits, first; the comments after. A refusal
    # rolls the reopening back with the rest.
    reopened = course_services.note_reopen(actor=actor, note=note, version=version)
    comment = _clean_comment(comment, COMMENT_MAX, "comment")
    if not comment:
        raise ReviewError(
            "Say what needs revising: a general comment is required to return a note.",
            "comment",
        )
    parts = _clean_part_comments(part_comments)
    return NoteReview.objects.create(
        clinic_id=reopened.clinic_id,
        note=reopened,
        note_version=_latest_version(reopened),
        decision=NoteReview.Decision.RETURNED,
        comment=comment,
        part_comments=parts,
        reviewer=actor.person,
    )


def note_cosign(
    *,
    actor: Actor,
    note: SessionNote,
    version: int,
    comment: str = "",
    secret: str | None = None,
) -> NoteReview:
    """The supervisor co-signs a note waiting for co-signature (it becomes final), with
    an optional comment; the same checks as `note_return`."""
    signature_identity_check(actor=actor, clinic_id=note.clinic_id, secret=secret)
    return _note_cosign(actor=actor, note=note, version=version, comment=comment)


@transaction.atomic
def _note_cosign(*, actor: Actor, note: SessionNote, version: int, comment: str) -> NoteReview:
    final = course_services.note_cosign(actor=actor, note=note, version=version)
    return NoteReview.objects.create(
        clinic_id=final.clinic_id,
        note=final,
        note_version=_latest_version(final),
        decision=NoteReview.Decision.COSIGNED,
        comment=_clean_comment(comment, COMMENT_MAX, "comment"),
        part_comments={},
        reviewer=actor.person,
    )


# --- Fidelity ------------------------------------------------------------------------------


class FidelityError(SupervisionError):
    """A rating or scale change refused."""


class FidelityErrors(FidelityError):
    """Several problems with one rating, each about its own field."""

    def __init__(self, errors: list[FidelityError]) -> None:
        super().__init__("; ".join(str(e) for e in errors), errors[0].field)
        self.errors = errors


def _scale_save(spec: ScaleSpec, *, clinic_id: int | None, by: User | None) -> FidelityScale:
    scale = FidelityScale.objects.create(
        clinic_id=clinic_id,
        code=spec.code,
        name=spec.name,
        version=spec.version,
        score_min=spec.score_min,
        score_max=spec.score_max,
        allows_not_applicable=spec.allows_not_applicable,
        source=spec.source,
        description=spec.description,
        loaded_by=by,
    )
    FidelityItem.objects.bulk_create(
        FidelityItem(
            scale=scale,
            code=item.code,
            order=item.order,
            group=item.group,
            text=item.text,
            anchors=item.anchors,
            phases=list(item.phases),
        )
        for item in spec.items
    )
    return scale


@transaction.atomic
def fidelity_scale_import(*, actor: Actor, clinic_id: int, content: bytes) -> FidelityScale:
    """Load a clinic's scale from a file (docs/fidelity-scales.md): all of it or, with
    ScaleFileError naming each problem, nothing. The same code with a new version is a
    new scale; ratings made with the old one keep it."""
    spec = read_scale_file(content)
    if spec.code == SHIPPED_CODE:
        raise ScaleFileError([f'code: "{SHIPPED_CODE}" is the scale IPTCare ships; use another'])
    if FidelityScale.objects.filter(clinic_id=clinic_id, code=spec.code, version=spec.version):
        raise ScaleFileError(
            [
                f'version: version "{spec.version}" of "{spec.code}" is already loaded; '
                "give the file a new version"
            ]
        )
    scale = _scale_save(spec, clinic_id=clinic_id, by=actor.user)
    access_record(
        actor=actor,
        action="create",
        client=None,
        target=scale,
        detail=f"fidelity scale {spec.code} version {spec.version}, {len(spec.items)} items",
    )
    return scale


def fidelity_shipped_scale() -> FidelityScale:
    """The scale IPTCare ships, loaded into this database the first time it is asked for
    (so every database has it, a flushed test database too). Idempotent."""
    spec = read_scale_file(SHIPPED_FILE.read_bytes())
    found = FidelityScale.objects.filter(
        clinic__isnull=True, code=spec.code, version=spec.version
    ).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return _scale_save(spec, clinic_id=None, by=None)
    except IntegrityError:  # another request loaded it at the same moment
        return FidelityScale.objects.get(clinic__isnull=True, code=spec.code, version=spec.version)


@transaction.atomic
def supervision_settings_update(
    *,
    actor: Actor,
    clinic_id: int,
    scale_code: str,
    pass_mark: Decimal,
    cosign_limit_days: int,
    certification_standard_code: str,
    version: int,
) -> SupervisionSettings:
    """The clinic's fidelity scale (blank: IPTCare's) and pass mark, how long a note may
    wait for co-signature, and its certification standard; version-checked."""
    if certification_standard_code not in certification.standards():
        raise FidelityError(
            "Choose a certification standard from the list.", "certification_standard"
        )
    if not 1 <= cosign_limit_days <= 60:
        raise FidelityError("Give a number of days from 1 to 60.", "cosign_limit_days")
    scale = fidelity_scale_by_code(clinic_id, scale_code or SHIPPED_CODE)
    if scale is None:
        raise FidelityError("No scale with this code is loaded for the clinic.", "scale_code")
    if not scale.score_min <= pass_mark <= scale.score_max:
        raise FidelityError(
            f"The pass mark must be within the scale's range {scale.range_label}.", "pass_mark"
        )
    found, created = SupervisionSettings.objects.select_for_update().get_or_create(
        clinic_id=clinic_id
    )
    if not created and found.version != version:
        raise FidelityError(STALE)
    found.fidelity_scale_code = "" if scale.code == SHIPPED_CODE else scale.code
    found.pass_mark = pass_mark
    found.cosign_limit_days = cosign_limit_days
    found.certification_standard_code = certification_standard_code
    if not created:
        found.version = found.version + 1
    found.save()
    access_record(
        actor=actor,
        action="update",
        client=None,
        target=found,
        detail=(
            f"fidelity scale {scale.code}, pass mark {pass_mark}, co-signature within "
            f"{cosign_limit_days} days, certification {certification_standard_code}"
        ),
    )
    return found


def item_field(item: FidelityItem) -> str:
    """The form field of an item's score (also what FidelityError.field names)."""
    return f"item_{item.code}"


def _rating_mean(scores: list[int | None]) -> Decimal | None:
    scored = [s for s in scores if s is not None]
    if not scored:
        return None
    return (Decimal(sum(scored)) / len(scored)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@transaction.atomic
def fidelity_rate(
    *,
    actor: Actor,
    note: SessionNote,
    kind: str,
    scores: Mapping[str, int | None],
    recording_reference: str = "",
    comment: str = "",
    version: int | None = None,
) -> FidelityRating:
    """Rate one session from its note, or edit the rating made before (`version` is then
    the one the rater opened). `scores` maps each item's code to a score, or None for
    "not applicable"; every item of the session's phase needs one, no other item may."""
    user = actor.person
    perms: dict[str, str] = {
        FidelityRating.Kind.SUPERVISOR: "supervision.rate_fidelity_as_supervisor",
        FidelityRating.Kind.SELF: "supervision.rate_fidelity_self",
    }
    perm = perms.get(kind)
    if perm is None:
        raise FidelityError("Choose a supervisor's rating or a self-rating.", "kind")
    locked = (
        SessionNote.objects.select_for_update(of=("self",))
        .select_related("course__client")
        .get(pk=note.pk)
    )
    if not user.has_perm(perm, locked):
        raise FidelityError(
            "Only the author's supervisor can rate this session."
            if kind == FidelityRating.Kind.SUPERVISOR
            else "Only the note's author can rate their own session."
        )
    if locked.attendance != SessionNote.Attendance.ATTENDED:
        raise FidelityError("Only a session the client attended can be rated.")
    if locked.status == SessionNote.Status.DRAFT:
        raise FidelityError("The note is still a draft: rate the session once it is signed.")
    rating = (
        FidelityRating.objects.select_for_update()
        .filter(note=locked, rater=user, kind=kind)
        .select_related("scale")
        .first()
    )
    if rating is not None and rating.version != version:
        raise FidelityError(STALE)
    scale = rating.scale if rating is not None else fidelity_scale_of(locked.clinic_id)
    phase = rating.phase if rating is not None else note_phase(locked).value
    items = list(FidelityItem.objects.filter(scale=scale).order_by("order"))
    applying = [item for item in items if item.applies_to(phase)]
    by_code = {item.code: item for item in items}

    problems: list[FidelityError] = []
    for code in scores:
        item = by_code.get(code)
        if item is None:
            problems.append(FidelityError(f"{code!r} is not an item of {scale.name}.", None))
        elif not item.applies_to(phase):
            problems.append(
                FidelityError(
                    f"This item does not apply to the {phase} phase: session "
                    f"{locked.number} is in the {phase} phase.",
                    item_field(item),
                )
            )
    chosen: dict[int, int | None] = {}
    for item in applying:
        field = item_field(item)
        if item.code not in scores:
            problems.append(FidelityError("Give a score for this item.", field))
            continue
        score = scores[item.code]
        if score is None:
            if not scale.allows_not_applicable:
                problems.append(
                    FidelityError(f"{scale.name} has no “not applicable”: give a score.", field)
                )
                continue
        elif (
            not isinstance(score, int)
            or isinstance(score, bool)
            or not scale.score_min <= score <= scale.score_max
        ):
            problems.append(FidelityError(f"The score must be within {scale.range_label}.", field))
            continue
        chosen[item.pk] = score
    recording_reference = (recording_reference or "").strip()
    if len(recording_reference) > 500 or "\x00" in recording_reference:
        problems.append(
            FidelityError(
                "Say where the recording is in up to 500 characters.", "recording_reference"
            )
        )
    comment = (comment or "").strip()
    if len(comment) > 4000 or "\x00" in comment:
        problems.append(FidelityError("Keep the comment to 4000 characters.", "comment"))
    if problems:
        raise FidelityErrors(problems)

    mean = _rating_mean(list(chosen.values()))
    if rating is None:
        rating = FidelityRating.objects.create(
            clinic_id=locked.clinic_id,
            note=locked,
            scale=scale,
            rater=user,
            kind=kind,
            phase=phase,
            recording_reference=recording_reference,
            comment=comment,
            mean=mean,
        )
        FidelityScore.objects.bulk_create(
            FidelityScore(rating=rating, item_id=pk, score=score) for pk, score in chosen.items()
        )
        action = "create"
    else:
        rating.recording_reference = recording_reference
        rating.comment = comment
        rating.mean = mean
        rating.version = rating.version + 1
        rating.save()
        existing = {s.item_id: s for s in FidelityScore.objects.filter(rating=rating)}
        changed = []
        for pk, score in chosen.items():
            row = existing.get(pk)
            if row is None:
                FidelityScore.objects.create(rating=rating, item_id=pk, score=score)
            elif row.score != score:
                row.score = score
                changed.append(row)
        FidelityScore.objects.bulk_update(changed, ["score"])
        action = "update"
    access_record(
        actor=actor,
        action=action,
        client=locked.course.client,
        target=rating,
        detail=f"{rating.get_kind_display()} of session {locked.number}",
    )
    return rating


# --- Supervision log -----------------------------------------------------------------------

LONGEST_MEETING_MINUTES = 480  # a working day; the form and the database say the same
MOST_CLIENTS_DISCUSSED = 50
_CHART_SEPARATORS = re.compile(r"[\s,;]+")


class LogError(SupervisionError):
    """A meeting the log refuses."""


class LogConflict(LogError):
    """The meeting was changed elsewhere since the form was opened."""


@dataclass(frozen=True)
class ActionIn:
    """An agreed action as entered on the meeting's form."""

    text: str
    due_on: date | None = None
    supervisee: User | None = None


def _clean_text(value: str, label: str, field: str, limit: int) -> str:
    if "\x00" in value:
        raise LogError(f"The {label} hold a character that cannot be saved.", field)
    value = value.strip()
    if len(value) > limit:
        raise LogError(f"Keep the {label} to {limit:,} characters or fewer.", field)
    return value


def _clients_named(
    chart_numbers: str, *, clinic_id: int, supervisees: Sequence[User]
) -> list[Client]:
    """The clients named by chart number, each a client of a supervisee present."""
    wanted = [c for c in _CHART_SEPARATORS.split(chart_numbers.strip()) if c]
    if len(wanted) > MOST_CLIENTS_DISCUSSED:
        raise LogError(
            f"Name at most {MOST_CLIENTS_DISCUSSED} clients per meeting.", "clients_discussed"
        )
    if any(len(c) > 20 for c in wanted):
        raise LogError("A chart number is at most 20 characters.", "clients_discussed")
    found = {
        c.chart_number.casefold(): c
        for c in Client.objects.filter(
            clinic_id=clinic_id,
            chart_number__in={w.upper() for w in wanted} | set(wanted),
            therapists__in=list(supervisees),
        ).distinct()
    }
    unknown = [w for w in wanted if w.casefold() not in found]
    if unknown:
        raise LogError(
            f"Not a client of the supervisees present: {', '.join(unknown[:5])}.",
            "clients_discussed",
        )
    return list({c.pk: c for c in (found[w.casefold()] for w in wanted)}.values())


def _check_meeting(
    *,
    supervisor: User,
    date: date,
    minutes: int,
    kind: str,
    supervisees: Sequence[User],
    allowed: set[int],
    actions: Sequence[ActionIn],
) -> None:
    if not 1 <= minutes <= LONGEST_MEETING_MINUTES:
        raise LogError(
            f"Give the meeting's length in minutes, from 1 to {LONGEST_MEETING_MINUTES}.",
            "minutes",
        )
    if date > clinic_today(supervisor.home_clinic):
        raise LogError("A meeting is logged once it has taken place: this date is ahead.", "date")
    if kind not in SupervisionMeeting.Kind.values:
        raise LogError("Choose individual or group supervision.", "kind")
    if not supervisees:
        raise LogError("Tick who was present.", "supervisees")
    strangers = [s for s in supervisees if s.pk not in allowed]
    if strangers:
        raise LogError(f"{strangers[0]} is not one of your supervisees.", "supervisees")
    if kind == SupervisionMeeting.Kind.INDIVIDUAL and len(supervisees) != 1:
        raise LogError(
            "Individual supervision is with one supervisee: tick one, or choose group.",
            "supervisees",
        )
    present = {s.pk for s in supervisees}
    for action in actions:
        if not action.text.strip() or len(action.text) > 500 or "\x00" in action.text:
            raise LogError("Each agreed action needs its text (at most 500 characters).", "actions")
        if action.supervisee is not None and action.supervisee.pk not in present:
            raise LogError(f"{action.supervisee} was not at this meeting.", "actions")
        if action.due_on is not None and not date <= action.due_on <= date + timedelta(days=366):
            raise LogError("An action is due on or after the meeting, within a year.", "actions")


def _allowed_supervisees(supervisor: User, meeting: SupervisionMeeting | None) -> set[int]:
    allowed = set(supervisees_of(supervisor).values_list("pk", flat=True))
    if meeting is not None:
        # Someone supervised then may since have moved on: the record stays as it was.
        allowed |= {s.pk for s in meeting.supervisees.all()}
    return allowed


def _save_meeting(
    *,
    actor: Actor,
    meeting: SupervisionMeeting,
    supervisees: Sequence[User],
    clients: list[Client],
    actions: Sequence[ActionIn],
    action: str,
) -> None:
    meeting.save()
    meeting.supervisees.set(supervisees)
    meeting.clients_discussed.set(clients)
    AgreedAction.objects.bulk_create(
        AgreedAction(meeting=meeting, text=a.text.strip(), due_on=a.due_on, supervisee=a.supervisee)
        for a in actions
    )
    for client in clients:
        access_record(
            actor=actor, action=action, client=client, target=meeting, detail="supervision log"
        )
    if not clients:
        access_record(actor=actor, action=action, client=None, target=meeting)


@transaction.atomic
def meeting_log(
    *,
    actor: Actor,
    date: date,
    minutes: int,
    kind: str,
    supervisees: Sequence[User],
    chart_numbers: str = "",
    recordings_reviewed: str = "",
    notes: str = "",
    actions: Sequence[ActionIn] = (),
) -> SupervisionMeeting:
    """Log a supervision meeting the actor ran, with its agreed actions."""
    supervisor = actor.person
    if not supervisor.has_perm("supervision.log_meeting"):
        raise LogError("Only a supervisor logs supervision meetings.")
    _check_meeting(
        supervisor=supervisor,
        date=date,
        minutes=minutes,
        kind=kind,
        supervisees=supervisees,
        allowed=_allowed_supervisees(supervisor, None),
        actions=actions,
    )
    clients = _clients_named(
        chart_numbers, clinic_id=supervisor.home_clinic_id, supervisees=supervisees
    )
    meeting = SupervisionMeeting(
        clinic_id=supervisor.home_clinic_id,
        supervisor=supervisor,
        date=date,
        minutes=minutes,
        kind=kind,
        recordings_reviewed=_clean_text(
            recordings_reviewed, "recordings reviewed", "recordings_reviewed", 10_000
        ),
        notes=_clean_text(notes, "notes", "notes", 10_000),
        created_by=supervisor,
    )
    _save_meeting(
        actor=actor,
        meeting=meeting,
        supervisees=supervisees,
        clients=clients,
        actions=actions,
        action="create",
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: SupervisionMeeting,
    version: int,
    date: date,
    minutes: int,
    kind: str,
    supervisees: Sequence[User],
    chart_numbers: str = "",
    recordings_reviewed: str = "",
    notes: str = "",
    actions: Sequence[ActionIn] = (),
) -> SupervisionMeeting:
    """Change a logged meeting (its supervisor only); `actions` are added to its own."""
    supervisor = actor.person
    if not supervisor.has_perm("supervision.change_meeting", meeting):
        raise LogError("Only the supervisor who logged this meeting changes it.")
    locked = SupervisionMeeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.version != version:
        raise LogConflict(STALE)
    _check_meeting(
        supervisor=supervisor,
        date=date,
        minutes=minutes,
        kind=kind,
        supervisees=supervisees,
        allowed=_allowed_supervisees(supervisor, meeting),
        actions=actions,
    )
    clients = _clients_named(
        chart_numbers, clinic_id=supervisor.home_clinic_id, supervisees=supervisees
    )
    locked.date = date
    locked.minutes = minutes
    locked.kind = kind
    locked.recordings_reviewed = _clean_text(
        recordings_reviewed, "recordings reviewed", "recordings_reviewed", 10_000
    )
    locked.notes = _clean_text(notes, "notes", "notes", 10_000)
    locked.version += 1
    _save_meeting(
        actor=actor,
        meeting=locked,
        supervisees=supervisees,
        clients=clients,
        actions=actions,
        action="update",
    )
    return locked


@transaction.atomic
def action_mark_done(*, actor: Actor, action: AgreedAction) -> AgreedAction:
    """Mark an agreed action done today (the clinic's today); done once, kept as done."""
    person = actor.person
    if not person.has_perm("supervision.mark_action_done", action):
        raise LogError("Only the supervisor or the supervisee it is for marks this done.")
    locked = AgreedAction.objects.select_for_update().select_related("meeting").get(pk=action.pk)
    if locked.done_on is None:
        locked.done_on = clinic_today(person.home_clinic)
        locked.save(update_fields=["done_on"])
        access_record(actor=actor, action="update", client=None, target=locked)
    return locked


# --- Practicum hours -----------------------------------------------------------------------


class HoursError(SupervisionError):
    """A change to the hours that is refused."""


@transaction.atomic
def hours_adjust(
    *, actor: Actor, note: SessionNote, minutes: int, reason: str, original_minutes: int
) -> HoursAdjustment:
    """Correct the minutes one session counts for in its author's hours. The note is never
    changed and nothing is overwritten: a new adjustment is kept beside the earlier ones,
    with the minutes the records gave, the reason, who and when."""
    person = actor.person
    supervisee = note.author
    if not person.has_perm("supervision.adjust_hours", supervisee):
        raise HoursError("Only the student or their supervisor corrects these hours.")
    if note.attendance != SessionNote.Attendance.ATTENDED:
        raise HoursError("Only an attended session counts toward the hours.")
    if not 1 <= minutes <= LONGEST_MEETING_MINUTES:
        raise HoursError(
            f"Give the session's length in minutes, from 1 to {LONGEST_MEETING_MINUTES}.",
            "minutes",
        )
    if "\x00" in reason:
        raise HoursError("The reason holds a character that cannot be saved.", "reason")
    reason = reason.strip()
    if len(reason) < 10:
        raise HoursError("Say why the minutes change (at least 10 characters).", "reason")
    if len(reason) > 2000:
        raise HoursError("Keep the reason to 2,000 characters or fewer.", "reason")
    adjustment = HoursAdjustment.objects.create(
        clinic_id=note.clinic_id,
        supervisee=supervisee,
        note=note,
        original_minutes=original_minutes,
        minutes=minutes,
        reason=reason,
        by=person,
    )
    access_record(
        actor=actor,
        action="update",
        client=note.course.client,
        target=adjustment,
        detail=f"practicum hours: {original_minutes} → {minutes} min",
    )
    return adjustment


@transaction.atomic
def hours_sign_off(*, actor: Actor, hours: Hours) -> HoursSignOff:
    """The supervisor signs off a period's hours as they stand now (a snapshot)."""
    person = actor.person
    if not person.has_perm("supervision.sign_off_hours", hours.supervisee):
        raise HoursError("Only the supervisee's supervisor signs off their hours.")
    if hours.period_to >= clinic_today(person.home_clinic) + timedelta(days=1):
        raise HoursError("Sign off a period once it has ended (or on its last day).")
    if hours.sign_off_is_current:
        raise HoursError("These hours are already signed off, and nothing changed since.")
    if not hours.sessions and not hours.meetings:
        raise HoursError("There are no hours in this period to sign off.")
    sign_off = HoursSignOff.objects.create(
        clinic_id=hours.supervisee.home_clinic_id,
        supervisee=hours.supervisee,
        period_from=hours.period_from,
        period_to=hours.period_to,
        direct_minutes=hours.direct_minutes,
        session_count=len(hours.sessions),
        supervision_minutes=hours.supervision_minutes,
        meeting_count=len(hours.meetings),
        fingerprint=hours.fingerprint,
        signed_by=person,
    )
    access_record(
        actor=actor,
        action="sign",
        client=None,
        target=sign_off,
        detail=f"practicum hours {hours.period_from}–{hours.period_to}",
    )
    hours.sign_off = sign_off
    return sign_off


def hours_csv(hours: Hours) -> str:
    """The hours as CSV for a school: chart numbers, never client names."""
    out = io.StringIO()
    writer = csv.writer(out)
    supervisee = hours.supervisee
    writer.writerow(["Practicum hours"])
    writer.writerow(["Student", supervisee.full_name])
    writer.writerow(["Clinic", supervisee.home_clinic.name])
    writer.writerow(["Supervisor", supervisors_named(hours)])
    writer.writerow(["Period", hours.period_from.isoformat(), hours.period_to.isoformat()])
    writer.writerow([])
    writer.writerow(["Direct client sessions"])
    writer.writerow(["Date", "Chart number", "Minutes", "Adjusted from", "Reason"])
    for row in hours.sessions:
        adjusted = row.adjustment
        writer.writerow(
            [
                row.date.isoformat(),
                row.client.chart_number,
                row.minutes,
                adjusted.original_minutes if adjusted else "",
                _one_line(adjusted.reason) if adjusted else "",
            ]
        )
    writer.writerow([])
    writer.writerow(["Supervision meetings"])
    writer.writerow(["Date", "Supervisor", "Kind", "Minutes"])
    for meeting in hours.meetings:
        writer.writerow(
            [
                meeting.date.isoformat(),
                meeting.supervisor.full_name,
                meeting.get_kind_display(),
                meeting.minutes,
            ]
        )
    writer.writerow([])
    writer.writerow(["Totals", "Sessions", "Direct minutes", "Meetings", "Supervision minutes"])
    writer.writerow(
        [
            "",
            len(hours.sessions),
            hours.direct_minutes,
            len(hours.meetings),
            hours.supervision_minutes,
        ]
    )
    writer.writerow(["Sign-off", sign_off_sentence(hours)])
    return out.getvalue()


def _one_line(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
    flat = " ".join(text.split())
    return f"'{flat}" if flat[:1] in {"=", "+", "-", "@"} else flat


def supervisors_named(hours: Hours) -> str:
    """The supervisors of the period: those linked to the supervisee on its last day, who
    met them and who signed off (a school wants who supervised this period, not today)."""
    names = {s.full_name for s in supervisors_of(hours.supervisee, on=hours.period_to)}
    names |= {m.supervisor.full_name for m in hours.meetings}
    if hours.sign_off is not None:
        names.add(hours.sign_off.signed_by.full_name)
    return ", ".join(sorted(names))


def sign_off_sentence(hours: Hours) -> str:
    sign_off = hours.sign_off
    if sign_off is None:
        return "Not signed off."
    zone = ZoneInfo(hours.supervisee.home_clinic.time_zone)
    said = f"Signed off by {sign_off.signed_by.full_name} on {dates.day(sign_off.signed_at, zone)}"
    if hours.sign_off_is_current:
        return f"{said}."
    return (
        f"{said}, for {sign_off.session_count} sessions ({sign_off.direct_minutes} min) and "
        f"{sign_off.meeting_count} meetings ({sign_off.supervision_minutes} min). The hours "
        "have changed since: the sign-off is out of date."
    )


def hours_html(hours: Hours) -> str:
    supervisee = hours.supervisee
    clinic = supervisee.home_clinic
    profile = getattr(supervisee, "therapist_profile", None)
    with timezone.override(ZoneInfo(clinic.time_zone)):
        return render_to_string(
            "supervision/hours_export.html",
            {
                "hours": hours,
                "clinic": clinic,
                "supervisee": supervisee,
                "profile": profile,
                "supervisors": supervisors_named(hours),
                "sign_off_sentence": sign_off_sentence(hours),
            },
        )


@transaction.atomic
def hours_export(*, actor: Actor, hours: Hours, kind: str) -> bytes:
    """The hours as CSV or PDF for a school; the export is recorded in the access log
    (once, naming the supervisee; the clients listed are recorded as read)."""
    person = actor.person
    if not person.has_perm("supervision.view_hours_detail", hours.supervisee):
        raise HoursError("Only the student or their supervisor exports these hours.")
    if kind == "csv":
        data = hours_csv(hours).encode("utf-8-sig")  # the BOM: spreadsheets read UTF-8
    else:
        from weasyprint import HTML  # loaded on first export: heavy, and pages need it not

        data = HTML(string=hours_html(hours)).write_pdf() or b""
    hours_record_reads(actor=actor, hours=hours, detail=f"practicum hours {kind.upper()}")
    access_record(
        actor=actor,
        action="export",
        client=None,
        target=hours.supervisee,
        detail=f"practicum hours {kind.upper()} {hours.period_from}–{hours.period_to}",
    )
    return data


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
