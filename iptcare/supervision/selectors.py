"""Reads for supervision pages, each with a bounded number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from iptcare.accounts.models import Role, User
from iptcare.audit.services import Actor, access_record
from iptcare.clinic.selectors import supervisees_of
from iptcare.core import dates
from iptcare.courses.models import SessionNote
from iptcare.courses.protocols import Phase
from iptcare.courses.selectors import note_position
from iptcare.measures import charts
from iptcare.supervision.models import (
    FidelityItem,
    FidelityRating,
    FidelityScale,
    FidelityScore,
    SupervisionSettings,
)
from iptcare.supervision.scales import SHIPPED_CODE


def supervision_settings(clinic_id: int) -> SupervisionSettings:
    """The clinic's supervision settings; the defaults (unsaved) until an administrator
    changes them."""
    found = SupervisionSettings.objects.filter(clinic_id=clinic_id).first()
    return found or SupervisionSettings(clinic_id=clinic_id)


# --- Review of notes -----------------------------------------------------------------------


# --- Fidelity ------------------------------------------------------------------------------


def fidelity_scale_by_code(clinic_id: int, code: str) -> FidelityScale | None:
    """The newest version of the scale `code` the clinic may use (its own, or IPTCare's);
    IPTCare's own scale is loaded into the database the first time it is asked for."""
    if code == SHIPPED_CODE:
        from iptcare.supervision.services import fidelity_shipped_scale  # writes, on demand

        return fidelity_shipped_scale()
    return (
        FidelityScale.objects.filter(clinic_id=clinic_id, code=code)
        .order_by("-created_at", "-pk")
        .first()
    )


def fidelity_scale_of(clinic_id: int) -> FidelityScale:
    """The scale the clinic's supervisors rate new sessions with (blank setting, or a code
    no longer loaded: IPTCare's)."""
    code = supervision_settings(clinic_id).fidelity_scale_code or SHIPPED_CODE
    found = fidelity_scale_by_code(clinic_id, code)
    if found is None:
        found = fidelity_scale_by_code(clinic_id, SHIPPED_CODE)
    assert found is not None
    return found


def fidelity_scales_for(clinic_id: int) -> list[FidelityScale]:
    """Each scale code the clinic may choose, newest version only, IPTCare's first."""
    shipped = fidelity_scale_by_code(clinic_id, SHIPPED_CODE)
    newest: dict[str, FidelityScale] = {}
    for scale in FidelityScale.objects.filter(clinic_id=clinic_id).order_by("-created_at", "-pk"):
        newest.setdefault(scale.code, scale)
    return [s for s in [shipped, *newest.values()] if s is not None]


def note_phase(note: SessionNote) -> Phase:
    """The phase of the note's session in its course's protocol and planned length."""
    return note_position(note.course, note).phase


def _fidelity_role(user: User, note: SessionNote) -> str:
    if note.author_id == user.pk:
        return Role.THERAPIST
    if user.has_perm("supervision.rate_fidelity_as_supervisor", note):
        return Role.SUPERVISOR
    return Role.ADMINISTRATOR  # broke the glass (the rules let nobody else through)


def fidelity_note_get_for(*, actor: Actor, pk: int) -> SessionNote:
    """The note whose session is rated, if the actor may see its ratings (logged as a
    read); 404 otherwise, with nothing logged."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    note = (
        SessionNote.objects.filter(clinic_id=user.home_clinic_id, pk=pk)
        .select_related("course__client", "author")
        .first()
    )
    if note is None or not user.has_perm("supervision.view_fidelity_of_note", note):
        raise Http404
    access_record(
        actor=actor.as_role(_fidelity_role(user, note)),
        action="read",
        client=note.course.client,
        target=note,
        detail="fidelity ratings",
    )
    return note


def fidelity_ratings_of_note(note: SessionNote) -> list[FidelityRating]:
    """The note's ratings, the self-rating first, with their scores (three queries)."""
    ratings = (
        FidelityRating.objects.filter(note=note)
        .select_related("rater", "scale")
        .prefetch_related(Prefetch("scores", FidelityScore.objects.select_related("item")))
    )
    return sorted(ratings, key=lambda r: (r.kind != FidelityRating.Kind.SELF, r.created_at))


@dataclass(frozen=True)
class SideBySideRow:
    item: FidelityItem
    scores: list[str]  # per rating, in the ratings' order: "4", "n/a", or "" (not rated)


def side_by_side(items: list[FidelityItem], ratings: list[FidelityRating]) -> list[SideBySideRow]:
    """One row per item (by code, so ratings on two versions of a scale line up), one
    column per rating."""
    by_rating = [
        {s.item.code: ("n/a" if s.score is None else str(s.score)) for s in r.scores.all()}
        for r in ratings
    ]
    rows = [
        SideBySideRow(item, [scores.get(item.code, "") for scores in by_rating]) for item in items
    ]
    shown = {item.code for item in items}
    for rating in ratings:  # items of another version of the scale, not in `items`
        for score in rating.scores.all():
            if score.item.code not in shown:
                shown.add(score.item.code)
                rows.append(
                    SideBySideRow(
                        score.item, [scores.get(score.item.code, "") for scores in by_rating]
                    )
                )
    return rows


def fidelity_person_get_for(*, actor: Actor, pk: int) -> User:
    """A therapist whose fidelity the actor may follow (themselves, or a supervisee)."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    person = User.objects.filter(clinic_id=user.home_clinic_id, pk=pk, is_client=False).first()
    if person is None or not user.has_perm("supervision.view_fidelity_of_person", person):
        raise Http404
    return person


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class FidelityTrend:
    """A supervisee's fidelity from their supervisors' ratings. Means are shown to one
    decimal, as the pass mark is; the drift notice compares that shown value, so it never
    says "3.0, below the pass mark of 3.0"."""

    user_id: int
    rated_sessions: int
    last_three_mean: Decimal | None  # None until three sessions are rated
    pass_mark: Decimal
    by_phase: dict[str, Decimal]
    latest_on: date | None

    @property
    def drift(self) -> bool:
        return self.last_three_mean is not None and self.last_three_mean < self.pass_mark

    @property
    def notice(self) -> str:
        if not self.drift:
            return ""
        return (
            f"The last three rated sessions average {self.last_three_mean}, below the "
            f"clinic's pass mark of {_tenth(self.pass_mark)}."
        )


def fidelity_trend(supervisee_ids: Iterable[int]) -> dict[int, FidelityTrend]:
    """Per supervisee, from supervisors' ratings: sessions rated, the mean of the last
    three, the mean by phase and the drift flag. Two queries, however many supervisees.
    A session rated by two supervisors counts once, with the mean of their ratings."""
    ids = list(supervisee_ids)
    rows = (
        FidelityRating.objects.filter(
            kind=FidelityRating.Kind.SUPERVISOR, note__author_id__in=ids, mean__isnull=False
        )
        .order_by("note__date", "note__number", "note_id")
        .values_list("note__author_id", "note_id", "note__date", "phase", "mean", "clinic_id")
    )
    sessions: dict[int, dict[int, tuple[date, str, list[Decimal]]]] = {pk: {} for pk in ids}
    clinics: dict[int, int] = {}
    for author_id, note_id, day, phase, mean, clinic_id in rows:
        clinics[author_id] = clinic_id
        if mean is not None:  # filtered out above; the type does not know
            sessions[author_id].setdefault(note_id, (day, phase, []))[2].append(mean)
    marks = {
        found.clinic_id: found.pass_mark
        for found in SupervisionSettings.objects.filter(clinic_id__in=set(clinics.values()))
    }
    default_mark = SupervisionSettings._meta.get_field("pass_mark").get_default()
    result = {}
    for pk in ids:
        rated = [
            (day, phase, sum(means, Decimal(0)) / len(means))
            for day, phase, means in sessions[pk].values()
        ]
        last = rated[-3:]
        by_phase: dict[str, list[Decimal]] = {}
        for _day, phase, mean in rated:
            by_phase.setdefault(phase, []).append(mean)
        result[pk] = FidelityTrend(
            user_id=pk,
            rated_sessions=len(rated),
            last_three_mean=_tenth(sum((m for *_, m in last), Decimal(0)) / 3)
            if len(last) == 3
            else None,
            pass_mark=marks.get(clinics.get(pk, 0), default_mark),
            by_phase={
                phase.value: _tenth(
                    sum(by_phase[phase.value], Decimal(0)) / len(by_phase[phase.value])
                )
                for phase in Phase
                if phase.value in by_phase
            },
            latest_on=rated[-1][0] if rated else None,
        )
    return result


def fidelity_history(*, actor: Actor, person: User) -> list[FidelityRating]:
    """Every rating of `person`'s sessions (both kinds), oldest session first, with the
    note and client loaded (one query); each client's record read is logged."""
    ratings = list(
        FidelityRating.objects.filter(clinic_id=person.home_clinic_id, note__author=person)
        .select_related("note__course__client", "rater")
        .order_by("note__date", "note__number", "kind", "pk")
    )
    role = (
        Role.THERAPIST if actor.user is not None and actor.user.pk == person.pk else Role.SUPERVISOR
    )
    for client in {r.note.course.client.pk: r.note.course.client for r in ratings}.values():
        access_record(
            actor=actor.as_role(role),
            action="read",
            client=client,
            object_type="supervision.fidelityrating",
            detail=f"fidelity ratings of {person.full_name}"[:300],
        )
    return ratings


def fidelity_chart(
    ratings: list[FidelityRating], *, low: int, high: int, pass_mark: Decimal
) -> charts.Chart:
    """The mean of each session as supervisors rated it, over time, drawn by the measures'
    chart template (`measures/_chart.html`) with the part below the pass mark shaded."""
    per_session: dict[int, tuple[date, int, list[Decimal]]] = {}
    for rating in ratings:
        if rating.kind == FidelityRating.Kind.SUPERVISOR and rating.mean is not None:
            entry = per_session.setdefault(
                rating.note_id, (rating.note.date, rating.note.number, [])
            )
            entry[2].append(rating.mean)
    points = [(day, number, sum(m, Decimal(0)) / len(m)) for day, number, m in per_session.values()]
    chart = charts.Chart(code="fidelity", title="Mean fidelity of each rated session")
    if not points:
        chart.description = "No sessions rated by a supervisor yet."
        return chart
    first_day = min(day for day, _, _ in points)
    last_day = max(max(day for day, _, _ in points), first_day + timedelta(days=14))
    span = (last_day - first_day).days or 1
    x0, x1, y0, y1 = chart.plot_left, chart.plot_right, chart.plot_top, chart.plot_bottom

    def x(day: date) -> float:
        return round(x0 + (x1 - x0) * (day - first_day).days / span, 1)

    def y(value: Decimal | int) -> float:
        return round(y1 - (y1 - y0) * float(Decimal(value) - low) / (high - low), 1)

    mark = min(max(pass_mark, Decimal(low)), Decimal(high))
    chart.bands = [
        {
            "y": y(mark),
            "height": round(y(low) - y(mark), 1),
            "fill": charts.BAND_FILLS[3],
            "label": f"Below the pass mark {_tenth(pass_mark)}",
            "label_y": round((y(mark) + y(low)) / 2 + 4, 1),
        }
    ]
    chart.y_ticks = [{"y": y(v), "label": v} for v in range(low, high + 1)]
    chart.x_ticks = [
        {"x": x(d), "label": dates.day_month(d), "anchor": anchor}
        for d, anchor in ((first_day, "start"), (last_day, "end"))
    ]
    chart.path = " ".join(
        f"{'M' if n == 0 else 'L'}{x(day)},{y(mean)}" for n, (day, _, mean) in enumerate(points)
    )
    chart.points = [
        {
            "x": x(day),
            "y": y(mean),
            "title": f"{dates.day_month(day)}: {_tenth(mean)} (session {number})",
        }
        for day, number, mean in points
    ]
    chart.description = (
        f"Fidelity: {len(points)} rated sessions from {dates.day_month(first_day)} to "
        f"{dates.day_month(max(day for day, _, _ in points))}, latest mean {_tenth(points[-1][2])} "
        f"on a scale of {low} to {high}; pass mark {_tenth(pass_mark)}."
    )
    return chart


@dataclass(frozen=True)
class RatingCount:
    supervisee: str
    supervisor_ratings: int
    self_ratings: int


def fidelity_rating_counts(clinic_id: int) -> list[RatingCount]:
    """Ratings done per therapist, by kind: what an administrator sees (no scores). One
    query."""
    rows = (
        FidelityRating.objects.filter(clinic_id=clinic_id)
        .values("note__author__full_name")
        .annotate(
            supervisor=Count("pk", filter=Q(kind=FidelityRating.Kind.SUPERVISOR)),
            own=Count("pk", filter=Q(kind=FidelityRating.Kind.SELF)),
        )
        .order_by("note__author__full_name")
    )
    return [
        RatingCount(row["note__author__full_name"], row["supervisor"], row["own"]) for row in rows
    ]


def fidelity_ratings_visible_to(user: User) -> QuerySet[FidelityRating]:
    """The ratings whose scores `user` may read: their supervisees' sessions' and their
    own sessions' (an administrator's break-the-glass is per client, on the note page)."""
    if user.is_client:
        return FidelityRating.objects.none()
    return (
        FidelityRating.objects.filter(clinic_id=user.home_clinic_id)
        .filter(
            Q(note__author__in=supervisees_of(user).values("pk"))
            | Q(note__author=user, note__author__is_therapist=True)
        )
        .select_related("note__course__client", "rater", "scale")
        .prefetch_related(Prefetch("scores", FidelityScore.objects.select_related("item")))
        .order_by("-note__date", "-pk")
    )


# --- Supervision log -----------------------------------------------------------------------


# --- Practicum hours -----------------------------------------------------------------------


# --- Certification -------------------------------------------------------------------------


# --- Supervisor's home ---------------------------------------------------------------------
