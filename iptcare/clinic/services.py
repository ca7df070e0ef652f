from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q, QuerySet

from iptcare.accounts.models import User
from iptcare.audit.services import Actor, access_record
from iptcare.clinic import selectors
from iptcare.clinic.models import Clinic, SupervisionLink, TherapistProfile
from iptcare.core import dates

SETTINGS_FIELDS = (
    "name",
    "address",
    "phone",
    "email",
    "time_zone",
    "crisis_resources",
    "fourth_focus_area_label",
    "require_staff_two_factor",
    "flag_unsent_risk_answers",
)


@transaction.atomic
def clinic_update(*, actor: Actor, clinic: Clinic, **changes: object) -> Clinic:
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Unknown clinic settings: {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(clinic, name) != value]
    for name in changed:
        setattr(clinic, name, changes[name])
    if changed:
        clinic.full_clean()
        clinic.save(update_fields=changed)
        access_record(
            actor=actor,
            action="update",
            client=None,
            target=clinic,
            detail="changed: " + ", ".join(changed),
        )
    return clinic


# --- Supervision links ----------------------------------------------------------------------

# Bounds that keep dates sensible (and keep "the day after" from overflowing on 9999-12-31):
# a link may be recorded back to 1990, and planned up to five years ahead.
EARLIEST_LINK_DAY = date(1990, 1, 1)
YEARS_AHEAD = 5


class SupervisionError(ValueError):
    """A supervision change that is refused; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _check_day(value: date, field: str, today: date) -> None:
    # 1 March, not 29 February, five years on from a leap day.
    latest = date(today.year + YEARS_AHEAD, today.month, min(today.day, 28))
    if value < EARLIEST_LINK_DAY:
        raise SupervisionError(f"Give a date from {dates.day(EARLIEST_LINK_DAY)} on.", field)
    if value > latest:
        raise SupervisionError(
            f"Give a date before {dates.day(latest)} (at most {YEARS_AHEAD} years ahead).", field
        )


def _span(start: date, end: date | None) -> str:
    return f"from {dates.day(start)}" + (f" to {dates.day(end)}" if end else " (open)")


def _check_supervisor(supervisor: User, supervisee: User) -> None:
    if supervisor.pk == supervisee.pk:
        raise SupervisionError("Nobody supervises themselves: choose someone else.", "supervisor")
    if supervisor.clinic_id != supervisee.clinic_id or supervisor.is_client:
        raise SupervisionError(f"{supervisor} is not on this clinic's staff.", "supervisor")
    if not (supervisor.is_supervisor and supervisor.is_active):
        raise SupervisionError(
            f"{supervisor} does not have the supervisor role (give it on the staff page first).",
            "supervisor",
        )


def _overlapping(
    links: QuerySet[SupervisionLink], start: date, end: date | None
) -> SupervisionLink | None:
    found = links.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    if end is not None:
        found = found.filter(starts_on__lte=end)
    return found.select_related("supervisor").order_by("starts_on").first()


def _is_practicum(person: User) -> bool:
    return TherapistProfile.objects.filter(
        user=person, kind=TherapistProfile.Kind.PRACTICUM
    ).exists()


def primary_gap(supervisee: User, *, from_day: date) -> date | None:
    """The first day from `from_day` on with no primary supervisor, or None."""
    day = from_day
    primaries = SupervisionLink.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=from_day),
        supervisee=supervisee,
        is_primary=True,
    ).order_by("starts_on")
    for link in primaries:
        if link.starts_on > day:
            return day
        if link.ends_on is None:
            return None
        day = max(day, link.ends_on + timedelta(days=1))
    return day


def _lock(supervisee: User) -> User:
    """Lock the supervisee's row: their links change one writer at a time, so two
    administrators cannot each add a primary supervisor for the same days."""
    return User.objects.select_for_update().get(pk=supervisee.pk)


def _add(
    *,
    actor: Actor,
    supervisee: User,
    supervisor: User,
    is_primary: bool,
    starts_on: date,
    ends_on: date | None,
    today: date,
) -> SupervisionLink:
    _check_supervisor(supervisor, supervisee)
    if supervisee.is_client or supervisee.clinic_id is None:
        raise SupervisionError("Only the clinic's staff have supervisors.")
    _check_day(starts_on, "starts_on", today)
    if ends_on is not None:
        _check_day(ends_on, "ends_on", today)
        if ends_on < starts_on:
            raise SupervisionError("The end date is before the start date.", "ends_on")
    theirs = SupervisionLink.objects.filter(supervisee=supervisee)
    same_pair = _overlapping(theirs.filter(supervisor=supervisor), starts_on, ends_on)
    if same_pair is not None:
        raise SupervisionError(
            f"{supervisor} already supervises {supervisee} "
            f"{_span(same_pair.starts_on, same_pair.ends_on)}: the dates overlap.",
            "starts_on",
        )
    if is_primary:
        other = _overlapping(theirs.filter(is_primary=True), starts_on, ends_on)
        if other is not None:
            raise SupervisionError(
                f"{other.supervisor} is the primary supervisor "
                f"{_span(other.starts_on, other.ends_on)}. A person has one primary "
                "supervisor at a time: add this one as not primary, or end that link first.",
                "is_primary",
            )
    link = SupervisionLink.objects.create(
        clinic_id=supervisee.clinic_id,
        supervisor=supervisor,
        supervisee=supervisee,
        is_primary=is_primary,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor.user,
    )
    access_record(
        actor=actor,
        action="create",
        client=None,
        target=link,
        detail=f"supervision link: user {supervisor.pk} supervises user {supervisee.pk}"
        f"{' (primary)' if is_primary else ''} {_span(starts_on, ends_on)}",
    )
    return link


@transaction.atomic
def supervision_link_add(
    *,
    actor: Actor,
    supervisee: User,
    supervisor: User,
    is_primary: bool,
    starts_on: date,
    ends_on: date | None = None,
) -> SupervisionLink:
    """A new link: `supervisor` supervises `supervisee` from `starts_on` (to `ends_on`)."""
    supervisee = _lock(supervisee)
    return _add(
        actor=actor,
        supervisee=supervisee,
        supervisor=supervisor,
        is_primary=is_primary,
        starts_on=starts_on,
        ends_on=ends_on,
        today=selectors.clinic_today(supervisee.home_clinic),
    )


@transaction.atomic
def supervision_link_end(
    *,
    actor: Actor,
    link: SupervisionLink,
    ends_on: date,
    version: int,
    successor: User | None = None,
) -> SupervisionLink:
    """End a link on `ends_on` (its last day). Ending a primary link may name who takes
    over from the next day (a supervisor already linked becomes primary from then on). A
    practicum student is never left without a primary supervisor."""
    supervisee = _lock(link.supervisee)
    locked = SupervisionLink.objects.select_related("supervisor").get(pk=link.pk)
    if locked.version != version:
        raise SupervisionError(
            "Someone changed this link while you were looking at it: see it as it is now "
            "and try again."
        )
    today = selectors.clinic_today(supervisee.home_clinic)
    _check_day(ends_on, "ends_on", today)
    if ends_on < locked.starts_on:
        raise SupervisionError(
            f"The link starts on {dates.day(locked.starts_on)}: it cannot end before that.",
            "ends_on",
        )
    if locked.ends_on is not None and locked.ends_on <= ends_on:
        raise SupervisionError(f"This link already ends on {dates.day(locked.ends_on)}.", "ends_on")
    if successor is not None and not locked.is_primary:
        raise SupervisionError("Only a primary link passes to someone else.", "successor")
    if successor is not None and successor.pk == locked.supervisor_id:
        raise SupervisionError(
            f"{successor} is the supervisor of this link: choose who takes over.", "successor"
        )
    locked.ends_on = ends_on
    locked.version = F("version") + 1
    locked.save(update_fields=["ends_on", "version"])
    locked.refresh_from_db()
    access_record(
        actor=actor,
        action="update",
        client=None,
        target=locked,
        detail=f"supervision link ended on {dates.day(ends_on)}",
    )
    if successor is not None:
        _take_over(actor=actor, supervisee=supervisee, successor=successor, on=ends_on, today=today)
    if _is_practicum(supervisee):
        gap = primary_gap(supervisee, from_day=today)
        if gap is not None:
            raise SupervisionError(
                f"{supervisee} is a practicum student and would have no primary supervisor "
                f"from {dates.day(gap)}: name who takes over.",
                "successor",
            )
    return locked


def _take_over(*, actor: Actor, supervisee: User, successor: User, on: date, today: date) -> None:
    """`successor` becomes the primary supervisor from the day after `on`. A link they
    already hold then is split: it ends on `on` and goes on as the primary link."""
    starts_on = on + timedelta(days=1)
    ends_on: date | None = None
    held = _overlapping(
        SupervisionLink.objects.filter(supervisee=supervisee, supervisor=successor),
        starts_on,
        None,
    )
    if held is not None:
        if held.starts_on > on:
            raise SupervisionError(
                f"{successor} already supervises {supervisee} "
                f"{_span(held.starts_on, held.ends_on)}: make that link primary by ending "
                "it and adding it again.",
                "successor",
            )
        ends_on = held.ends_on
        SupervisionLink.objects.filter(pk=held.pk).update(ends_on=on, version=F("version") + 1)
        access_record(
            actor=actor,
            action="update",
            client=None,
            target=held,
            detail=f"supervision link ended on {dates.day(on)}: primary from the next day",
        )
    _add(
        actor=actor,
        supervisee=supervisee,
        supervisor=successor,
        is_primary=True,
        starts_on=starts_on,
        ends_on=ends_on,
        today=today,
    )
