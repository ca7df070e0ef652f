"""Writes to supervision records: atomic, audited, version-checked."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.courses.models import SessionNote
from iptcare.supervision.models import (
    FidelityItem,
    FidelityRating,
    FidelityScale,
    FidelityScore,
    SupervisionSettings,
)
from iptcare.supervision.scales import SHIPPED_CODE, SHIPPED_FILE
from iptcare.supervision.scales.fileformat import ScaleFileError, ScaleSpec, read_scale_file
from iptcare.supervision.selectors import fidelity_scale_by_code, fidelity_scale_of, note_phase

# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


class FidelityError(ValueError):
    """A rating or scale change refused; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


FIDELITY_STALE = (
    "This was changed elsewhere (another tab or person) since you opened it. "
    "Nothing was saved: reload to see the current version."
)


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
def fidelity_settings_update(
    *, actor: Actor, clinic_id: int, scale_code: str, pass_mark: Decimal, version: int
) -> SupervisionSettings:
    """The clinic's fidelity scale (blank: IPTCare's) and pass mark; version-checked."""
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
        raise FidelityError(FIDELITY_STALE)
    found.fidelity_scale_code = "" if scale.code == SHIPPED_CODE else scale.code
    found.pass_mark = pass_mark
    if not created:
        found.version = found.version + 1
    found.save()
    access_record(
        actor=actor,
        action="update",
        client=None,
        target=found,
        detail=f"fidelity scale {scale.code}, pass mark {pass_mark}",
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
        raise FidelityError(FIDELITY_STALE)
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


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
