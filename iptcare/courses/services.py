"""Writes to courses and session notes: atomic, audited in the same transaction, and
version-checked, so a stale edit (a second tab) is refused instead of overwriting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.accounts.services import TwoFactorError, identity_confirm
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.core import dates
from iptcare.courses import agenda, protocols
from iptcare.courses.models import (
    ClinicCourseSettings,
    Course,
    CourseExtension,
    NoteAmendment,
    NoteVersion,
    SessionNote,
)
from iptcare.courses.rules import supervises_the_author
from iptcare.courses.selectors import (
    clinic_course_settings,
    clinic_range_for,
    clinic_today,
    course_position,
)

MAX_EXTENSION = 12  # sessions beyond the protocol's maximum; more is a new contract


class CourseError(ValueError):
    """A change the clinic's rules refuse; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CourseConflict(CourseError):
    """Someone else changed the record since it was opened (another tab or person)."""


STALE = (
    "This was changed elsewhere (another tab or person) since you opened it. "
    "Nothing was saved: reload to see the current version."
)

PHASE_STATUS = {
    protocols.Phase.INITIAL: Course.Status.ASSESSMENT,
    protocols.Phase.MIDDLE: Course.Status.ACTIVE,
    protocols.Phase.TERMINATION: Course.Status.ENDING,
}


def _require_treating(actor: Actor, course: Course) -> None:
    if actor.user is None or not actor.user.has_perm("courses.change_course", course):
        raise CourseError("Only the client's treating therapist can change this course.")


def _lock_course(course: Course, version: int) -> Course:
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if locked.version != version:
        raise CourseConflict(STALE)
    return locked


def _check_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise CourseError(f"Say why {what} (at least 10 characters).", "reason")
    return reason


# --- Clinic settings -------------------------------------------------------------------------


@transaction.atomic
def course_settings_update(
    *,
    actor: Actor,
    clinic_id: int,
    default_planned_standard: int,
    min_planned_standard: int,
    max_planned_standard: int,
    ipt_a_min_age: int,
    ipt_a_max_age: int,
    version: int,
    confirm_identity_at_signing: bool = False,
) -> ClinicCourseSettings:
    standard = protocols.get("standard")
    try:
        protocols.validate_planned(
            standard, default_planned_standard, min_planned_standard, max_planned_standard
        )
    except protocols.ProtocolError as exc:
        raise CourseError(str(exc), "default_planned_standard") from None
    if not 10 <= ipt_a_min_age <= ipt_a_max_age <= 21:
        raise CourseError("Give an IPT-A age range within 10–21, youngest first.", "ipt_a_min_age")
    settings, created = ClinicCourseSettings.objects.select_for_update().get_or_create(
        clinic_id=clinic_id
    )
    if not created and settings.version != version:
        raise CourseConflict(STALE)
    settings.default_planned_standard = default_planned_standard
    settings.min_planned_standard = min_planned_standard
    settings.max_planned_standard = max_planned_standard
    settings.ipt_a_min_age = ipt_a_min_age
    settings.ipt_a_max_age = ipt_a_max_age
    settings.confirm_identity_at_signing = bool(confirm_identity_at_signing)
    settings.version = (settings.version or 0) + (0 if created else 1)
    settings.save()
    access_record(actor=actor, action="update", client=None, target=settings)
    return settings


# --- Courses ---------------------------------------------------------------------------------


@transaction.atomic
def course_open(
    *,
    actor: Actor,
    client: Client,
    protocol: str,
    therapist: User,
    start_date: date,
    planned_sessions: int | None,
    frequency: str,
) -> Course:
    try:
        spec = protocols.get(protocol)
    except protocols.ProtocolError as exc:
        raise CourseError(str(exc), "protocol") from None
    if not spec.available:
        raise CourseError(f"{spec.name} is not available yet.", "protocol")
    if therapist.clinic_id != client.clinic_id or not therapist.is_therapist:
        raise CourseError(f"{therapist} is not a therapist of this clinic.", "therapist")
    if not client.therapists.filter(pk=therapist.pk).exists():
        raise CourseError(f"{therapist} is not on {client.first_name}'s care team.", "therapist")
    if frequency not in Course.Frequency.values:
        raise CourseError("Choose how often the sessions are.", "frequency")
    if start_date < client.date_of_birth:
        raise CourseError("The start date is before the client's date of birth.", "start_date")
    if (start_date - clinic_today(client.clinic)).days > 90:
        raise CourseError("The start date is more than 90 days ahead.", "start_date")
    settings = clinic_course_settings(client.clinic_id)
    clinic_min, clinic_max = clinic_range_for(spec, settings)
    try:
        planned = protocols.validate_planned(spec, planned_sessions, clinic_min, clinic_max)
    except protocols.ProtocolError as exc:
        raise CourseError(str(exc), "planned_sessions") from None
    if spec.adolescent is not None:
        try:
            protocols.validate_age(
                spec,
                client.age_on(start_date),
                settings.ipt_a_min_age,
                settings.ipt_a_max_age,
            )
        except protocols.ProtocolError as exc:
            raise CourseError(f"{exc}.", "protocol") from None
    # One open course at a time, checked under a lock on the client row.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    if (
        Course.objects.filter(client=client)
        .exclude(status__in=[Course.Status.COMPLETED, Course.Status.ENDED_EARLY])
        .exists()
    ):
        raise CourseError(
            f"{client.first_name} already has an open course: end it before starting another.",
            "protocol",
        )
    course = Course.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        therapist=therapist,
        protocol=spec.code,
        planned_sessions=planned,
        frequency=frequency,
        start_date=start_date,
        status=Course.Status.ASSESSMENT,
    )
    access_record(
        actor=actor,
        action="create",
        client=client,
        target=course,
        detail=f"{spec.name}, {planned or 'open-ended'} sessions",
    )
    return course


@transaction.atomic
def course_extend(
    *, actor: Actor, course: Course, to_sessions: int, reason: str, version: int
) -> CourseExtension:
    _require_treating(actor, course)
    locked = _lock_course(course, version)
    spec = locked.protocol_spec
    if not locked.is_open:
        raise CourseError("This course has ended; it cannot be extended.")
    if locked.planned_sessions is None:
        raise CourseError(f"{spec.name} is open-ended: there is no planned length to extend.")
    if not isinstance(to_sessions, int) or to_sessions <= locked.planned_sessions:
        raise CourseError(
            f"Give more than the current {locked.planned_sessions} planned sessions.",
            "to_sessions",
        )
    ceiling = (spec.max_planned or locked.planned_sessions) + MAX_EXTENSION
    if to_sessions > ceiling:
        raise CourseError(
            f"At most {ceiling} sessions: a longer course needs a new contract.", "to_sessions"
        )
    reason = _check_reason(reason, "the course needs more sessions")
    extension = CourseExtension.objects.create(
        course=locked,
        from_sessions=locked.planned_sessions,
        to_sessions=to_sessions,
        reason=reason,
        by=actor.person,
    )
    locked.planned_sessions = to_sessions
    locked.version = F("version") + 1
    locked.save(update_fields=["planned_sessions", "version", "updated_at"])
    locked.refresh_from_db()
    _sync_status(locked)
    access_record(
        actor=actor,
        action="update",
        client=locked.client,
        target=locked,
        detail=f"extended {extension.from_sessions} → {to_sessions} sessions: {reason}",
    )
    return extension


@transaction.atomic
def course_end(
    *,
    actor: Actor,
    course: Course,
    status: str,
    reason: str,
    ended_on: date,
    version: int,
) -> Course:
    """Complete a course or end it early (with a reason). The therapist decides this;
    the other statuses follow the sessions held."""
    _require_treating(actor, course)
    locked = _lock_course(course, version)
    if not locked.is_open:
        raise CourseError("This course has already ended.")
    if status not in (Course.Status.COMPLETED, Course.Status.ENDED_EARLY):
        raise CourseError("Choose completed or ended early.", "status")
    reason = (reason or "").strip()
    if status == Course.Status.ENDED_EARLY:
        reason = _check_reason(reason, "the course ended early")
    if ended_on < locked.start_date:
        raise CourseError("The end date is before the course started.", "ended_on")
    if ended_on > clinic_today(locked.clinic):
        raise CourseError("The end date is in the future.", "ended_on")
    last = locked.notes.order_by("-date").values_list("date", flat=True).first()
    if last is not None and ended_on < last:
        raise CourseError(
            f"The end date is before the last session note ({dates.day_short(last)}).", "ended_on"
        )
    unsigned = [SessionNote.Status.DRAFT, SessionNote.Status.RETURNED]
    draft = locked.notes.filter(status__in=unsigned).order_by("number").first()
    if draft is not None:
        state = "a draft" if draft.status == SessionNote.Status.DRAFT else "returned for revision"
        raise CourseError(
            f"The note of session {draft.number} is still {state}: sign it before ending "
            "the course."
        )
    locked.status = status
    locked.end_reason = reason
    locked.ended_on = ended_on
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "end_reason", "ended_on", "version", "updated_at"])
    locked.refresh_from_db()
    access_record(
        actor=actor,
        action="update",
        client=locked.client,
        target=locked,
        detail=f"{locked.get_status_display()}" + (f": {reason}" if reason else ""),
    )
    return locked


course_set_status = course_end


def _sync_status(course: Course) -> None:
    """Assessment, active or ending follow the sessions held while the course is open."""
    if not course.is_open:
        return
    status = PHASE_STATUS[course_position(course).phase]
    if course.status != status:
        Course.objects.filter(pk=course.pk).update(status=status)
        course.status = status


# --- Session notes -----------------------------------------------------------------------------

NOTE_FIELDS = (
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
)
# The note's named parts, as the note page labels them: a supervisor comments on these.
NOTE_PARTS = {
    "date": "Session date",
    "attendance": "Attendance",
    "mood_rating": "Mood rating",
    "since_last_met": "Since we last met",
    "focus_work": "Focus-area work",
    "techniques": "Techniques used",
    "homework_reviewed": "Homework reviewed",
    "homework_set": "Homework set",
    "risk_check": "Risk check",
    "risk_notes": "Risk: what was discussed",
    "plan_next": "Plan for next session",
}


def _check_note_date(course: Course, day: date, number: int, note_pk: int | None) -> None:
    if day < course.start_date:
        raise CourseError(
            "The session date is before the course started "
            f"({dates.day_short(course.start_date)}).",
            "date",
        )
    if day > clinic_today(course.clinic):
        raise CourseError("The session date is in the future.", "date")
    before = course.notes.filter(number__lt=number)
    if note_pk is not None:
        before = before.exclude(pk=note_pk)
    earlier = before.order_by("-date").first()
    if earlier is not None and day < earlier.date:
        raise CourseError(
            f"The session date is before session {earlier.number} "
            f"({dates.day_short(earlier.date)}).",
            "date",
        )


@transaction.atomic
def note_open(
    *,
    actor: Actor,
    course: Course,
    date: date,
    attendance: str = "attended",
    focus_labels: Sequence[str] = (),
) -> SessionNote:
    """A new draft for the next session, with its agenda and what is carried forward.

    `focus_labels`: the course's focus areas as the clinic names them, for the agenda. They
    are formulation's records, which this app does not read (it sits below formulation):
    the page passes them from `course_header_for`."""
    _require_treating(actor, course)
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if not locked.is_open:
        raise CourseError("This course has ended: no new session notes.")
    if attendance not in SessionNote.Attendance.values:
        raise CourseError("Choose whether the client attended.", "attendance")
    spec = locked.protocol_spec
    number = course_position(locked).held + 1
    if locked.planned_sessions is not None and number > locked.planned_sessions:
        raise CourseError(
            f"Session {number} is past the {locked.planned_sessions} planned sessions: "
            "extend the course (with a reason) first."
        )
    _check_note_date(locked, date, number, None)
    previous = locked.notes.order_by("-number", "-date", "-pk").first()
    items = agenda.session_agenda(
        spec,
        number,
        locked.planned_sessions,
        focus_labels=focus_labels,
        open_homework=previous.homework_set if previous else "",
        last_plan=previous.plan_next if previous else "",
    )
    note = SessionNote.objects.create(
        clinic_id=locked.clinic_id,
        course=locked,
        number=number,
        date=date,
        attendance=attendance,
        agenda=items,
        homework_reviewed=(previous.homework_set if previous else ""),
        author=actor.person,
    )
    _sync_status(locked)
    access_record(
        actor=actor,
        action="create",
        client=locked.client,
        target=note,
        detail=f"session {number}",
    )
    return note


def _apply_changes(note: SessionNote, course: Course, changes: Mapping[str, object]) -> list[str]:
    unknown = set(changes) - set(NOTE_FIELDS)
    if unknown:
        raise CourseError(f"Unknown note fields: {', '.join(sorted(unknown))}")
    spec = course.protocol_spec
    if "mood_rating" in changes and changes["mood_rating"] is not None:
        if changes["mood_rating"] not in spec.mood_scale:
            raise CourseError(
                f"Mood is rated {spec.mood_scale.label} in {spec.name}.", "mood_rating"
            )
    if "techniques" in changes:
        techniques = list(changes["techniques"])  # type: ignore[call-overload]  # a list from the form
        if set(techniques) - set(SessionNote.Technique.values):
            raise CourseError("Choose techniques from the list.", "techniques")
    if "risk_check" in changes and changes["risk_check"] not in ("", *SessionNote.RiskCheck.values):
        raise CourseError("Choose a risk check answer from the list.", "risk_check")
    if "attendance" in changes and changes["attendance"] not in SessionNote.Attendance.values:
        raise CourseError("Choose whether the client attended.", "attendance")
    if "date" in changes:
        _check_note_date(course, changes["date"], note.number, note.pk)  # type: ignore[arg-type]  # a date from the form
    changed = [name for name, value in changes.items() if getattr(note, name) != value]
    for name in changed:
        setattr(note, name, changes[name])
    return changed


def signed_note_message(note: SessionNote) -> str:
    return (
        f"This note was signed ({note.get_status_display().lower()}): it cannot be "
        "changed. Add an amendment instead."
    )


def _lock_note(actor: Actor, note: SessionNote, version: int) -> SessionNote:
    """The note, locked for writing, if the actor may change its text now (the rules'
    `courses.edit_note`: a draft by its treating therapist, a returned note by its
    author) and nobody changed it since `version`."""
    locked = (
        SessionNote.objects.select_for_update(of=("self",))
        .select_related("course__client", "author")
        .get(pk=note.pk)
    )
    if locked.is_locked:
        raise CourseError(signed_note_message(locked))
    if actor.user is None or not actor.user.has_perm("courses.edit_note", locked):
        if locked.status == SessionNote.Status.RETURNED:
            raise CourseError(
                f"This note was returned to its author, {locked.author.full_name}, for "
                "revision: only they can change it."
            )
        raise CourseError("Only the client's treating therapist can change this course.")
    if locked.version != version:
        raise CourseConflict(STALE)
    return locked


def _save_note(note: SessionNote, fields: list[str]) -> None:
    note.version = F("version") + 1
    try:
        with transaction.atomic():
            note.save(update_fields=[*fields, "version", "updated_at"])
    except IntegrityError:
        raise CourseError(
            f"Session {note.number} already has a note for an attended session.", "attendance"
        ) from None
    note.refresh_from_db()


@transaction.atomic
def note_update(
    *, actor: Actor, note: SessionNote, version: int, changes: Mapping[str, object]
) -> SessionNote:
    """Save a draft or a returned note (autosave and the save button)."""
    locked = _lock_note(actor, note, version)
    changed = _apply_changes(locked, locked.course, changes)
    if not changed:
        return locked
    _save_note(locked, changed)
    _sync_status(locked.course)
    access_record(
        actor=actor,
        action="update",
        client=locked.course.client,
        target=locked,
        detail="changed: " + ", ".join(changed),
    )
    return locked


def _is_practicum(user: User) -> bool:
    profile = getattr(user, "therapist_profile", None)
    return bool(profile and profile.is_practicum)


def signature_identity_check(*, actor: Actor, clinic_id: int, secret: str | None) -> None:
    """Where the clinic asks for it, the signer proves they are at the device: their
    password, or their two-step code if they use two-step sign-in. CourseError on the
    "secret" field otherwise.

    Called before the signing's transaction opens: a wrong two-step code counts towards
    its throttling, which a rolled-back transaction would forget."""
    if not clinic_course_settings(clinic_id).confirm_identity_at_signing:
        return
    try:
        identity_confirm(user=actor.person, secret=(secret or "")[:200])
    except TwoFactorError as exc:
        raise CourseError(f"{exc} Nothing was signed.", "secret") from None


def note_snapshot(note: SessionNote) -> dict[str, object]:
    """The note's recorded fields as JSON: what a NoteVersion keeps."""
    values: dict[str, object] = {name: getattr(note, name) for name in NOTE_FIELDS}
    values["date"] = note.date.isoformat()
    values["techniques"] = list(note.techniques or [])
    return values


def note_sign(
    *,
    actor: Actor,
    note: SessionNote,
    version: int,
    changes: Mapping[str, object] | None = None,
    secret: str | None = None,
) -> SessionNote:
    """Sign (and so lock) a draft or a returned note, saving its last changes first, and
    keep what it says as its next version. A practicum student's note (and any returned
    note) then waits for the supervisor's co-signature. `secret`: the password or two-step
    code, where the clinic asks for it again at signing."""
    signature_identity_check(actor=actor, clinic_id=note.clinic_id, secret=secret)
    return _note_sign(actor=actor, note=note, version=version, changes=changes)


@transaction.atomic
def _note_sign(
    *,
    actor: Actor,
    note: SessionNote,
    version: int,
    changes: Mapping[str, object] | None,
) -> SessionNote:
    locked = _lock_note(actor, note, version)
    was_returned = locked.status == SessionNote.Status.RETURNED
    changed = _apply_changes(locked, locked.course, changes or {})
    spec = locked.course.protocol_spec
    if locked.attendance == SessionNote.Attendance.ATTENDED:
        if locked.mood_rating is None:
            raise CourseError(
                f"Record the mood rating ({spec.mood_scale.label}) before signing.",
                "mood_rating",
            )
        if not locked.risk_check:
            raise CourseError("Record the risk check before signing.", "risk_check")
        if spec.suicide_check_every_session and locked.risk_check == "not_assessed":
            raise CourseError(
                f"{spec.name} checks suicide risk every session: record it before signing.",
                "risk_check",
            )
    if locked.risk_check in ("discussed", "urgent") and not (
        locked.risk_notes.strip() or locked.plan_next.strip()
    ):
        raise CourseError("Say what was discussed and the safety plan.", "risk_notes")
    user = actor.user
    assert user is not None
    locked.status = (
        SessionNote.Status.AWAITING_COSIGNATURE
        if was_returned or _is_practicum(user)
        else SessionNote.Status.SIGNED
    )
    locked.signed_at = timezone.now()
    _save_note(locked, [*changed, "status", "signed_at"])
    number = locked.versions.count() + 1
    NoteVersion.objects.create(
        note=locked,
        number=number,
        snapshot=note_snapshot(locked),
        signed_at=locked.signed_at,
        signed_by=user,
    )
    access_record(
        actor=actor,
        action="sign",
        client=locked.course.client,
        target=locked,
        detail=f"session {locked.number}, version {number}: {locked.get_status_display()}",
    )
    return locked


def _lock_for_review(
    actor: Actor, note: SessionNote, version: int | None, what: str
) -> SessionNote:
    locked = (
        # Lock the note only: PostgreSQL cannot lock the outer-joined therapist profile.
        SessionNote.objects.select_for_update(of=("self",))
        .select_related("course__client", "author__therapist_profile")
        .get(pk=note.pk)
    )
    if version is not None and locked.version != version:
        raise CourseConflict(STALE)
    if locked.status != SessionNote.Status.AWAITING_COSIGNATURE:
        raise CourseError("This note is not waiting for a co-signature.")
    if actor.user is not None and locked.author_id == actor.user.pk:
        raise CourseError(f"You cannot {what} your own note: your supervisor does.")
    if not supervises_the_author.test(actor.user, locked):
        raise CourseError(f"Only the author's supervisor can {what} this note.")
    return locked


@transaction.atomic
def note_cosign(*, actor: Actor, note: SessionNote, version: int | None = None) -> SessionNote:
    """The supervisor's co-signature makes a practicum student's note final. `version`:
    the note's version the supervisor read (a stale review is refused); the review loop
    (supervision.services.note_cosign) calls this and records the review."""
    locked = _lock_for_review(actor, note, version, "co-sign")
    locked.status = SessionNote.Status.FINAL
    locked.cosigned_by = actor.user
    locked.cosigned_at = timezone.now()
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "cosigned_by", "cosigned_at", "version", "updated_at"])
    locked.refresh_from_db()
    access_record(
        actor=actor,
        action="cosign",
        client=locked.course.client,
        target=locked,
        detail=f"session {locked.number}",
    )
    return locked


@transaction.atomic
def note_reopen(*, actor: Actor, note: SessionNote, version: int) -> SessionNote:
    """Return a note waiting for co-signature to its author for revision: it opens again
    for them only (rules: `courses.revise_note`). Called by the review loop
    (supervision.services.note_return), which records the supervisor's comments."""
    locked = _lock_for_review(actor, note, version, "return")
    locked.status = SessionNote.Status.RETURNED
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "version", "updated_at"])
    locked.refresh_from_db()
    access_record(
        actor=actor,
        action="return",
        client=locked.course.client,
        target=locked,
        detail=f"session {locked.number}: returned for revision",
    )
    return locked


@transaction.atomic
def note_amend(*, actor: Actor, note: SessionNote, text: str) -> NoteAmendment:
    """Add to a signed note; the signed text itself never changes."""
    _require_treating(actor, note.course)
    locked = (
        SessionNote.objects.select_for_update().select_related("course__client").get(pk=note.pk)
    )
    if not locked.is_locked:
        raise CourseError("This note is still a draft: edit it directly.")
    text = (text or "").strip()
    if len(text) < 5:
        raise CourseError("Write the amendment (at least 5 characters).", "text")
    amendment = NoteAmendment.objects.create(note=locked, author=actor.person, text=text)
    access_record(
        actor=actor,
        action="amend",
        client=locked.course.client,
        target=locked,
        detail=f"session {locked.number}",
    )
    return amendment
