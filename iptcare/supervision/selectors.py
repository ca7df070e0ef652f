"""Reads for supervision pages, each with a bounded number of queries."""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from iptcare.accounts.models import Role, User
from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clinic.selectors import supervisees_of
from iptcare.core import dates
from iptcare.courses import protocols
from iptcare.courses.models import Course, NoteVersion, SessionNote
from iptcare.courses.protocols import Phase
from iptcare.courses.selectors import note_position, notes_awaiting_cosignature
from iptcare.courses.services import NOTE_PARTS
from iptcare.formulation.selectors import formulation_summaries
from iptcare.measures import charts
from iptcare.measures.models import QuestionnaireResponse
from iptcare.scheduling.kinds import KINDS
from iptcare.scheduling.models import Appointment
from iptcare.supervision import certification, notediff
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
from iptcare.supervision.scales import SHIPPED_CODE


def supervision_settings(clinic_id: int) -> SupervisionSettings:
    """The clinic's supervision settings; the defaults (unsaved) until an administrator
    changes them."""
    found = SupervisionSettings.objects.filter(clinic_id=clinic_id).first()
    return found or SupervisionSettings(clinic_id=clinic_id)


def therapist_get_for(*, user: User, pk: int, perm: str) -> User:
    """A therapist of the user's clinic whose supervision records the user may see (the
    rule `perm`: their hours, progress, ratings), or Http404, so that other people's
    existence is not confirmed."""
    if not 0 < pk < 2**62:
        raise Http404("No such therapist.")
    person = (
        User.objects.filter(pk=pk, clinic_id=user.home_clinic_id, is_therapist=True)
        .select_related("clinic", "therapist_profile")
        .first()
    )
    if person is None or not user.has_perm(perm, person):
        raise Http404("No such therapist.")
    return person


# --- Review of notes -----------------------------------------------------------------------


def note_version_count(note: SessionNote) -> int:
    """How many times the note has been signed (one query)."""
    return NoteVersion.objects.filter(note=note).count()


def note_return_shown_to_author(note: SessionNote) -> NoteReview | None:
    """The latest return of the note, for its author revising it (one query)."""
    return (
        NoteReview.objects.filter(note=note, decision=NoteReview.Decision.RETURNED)
        .select_related("reviewer")
        .order_by("-at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class PartShown:
    """One named part of a note version, with what changed since the version before."""

    name: str
    label: str
    text: str
    changed: bool
    # The text with the words removed and added since the version before; None for the
    # first version or when nothing changed.
    diff: list[notediff.Segment] | None


@dataclass
class ReviewShown:
    review: NoteReview
    # (part label, comment) in the note's order.
    part_comments: list[tuple[str, str]]


@dataclass
class VersionShown:
    version: NoteVersion
    parts: list[PartShown]
    reviews: list[ReviewShown] = field(default_factory=list)

    @property
    def changed_parts(self) -> int:
        return sum(part.changed for part in self.parts)


def part_text(name: str, value: object) -> str:
    """A recorded field of a snapshot as the note page shows it."""
    if value in (None, "", []):
        return ""
    if name == "date" and isinstance(value, str):
        try:
            return dates.weekday(date.fromisoformat(value))
        except ValueError:
            return value
    if name == "attendance":
        return str(dict(SessionNote.Attendance.choices).get(str(value), value))
    if name == "risk_check":
        return str(dict(SessionNote.RiskCheck.choices).get(str(value), value))
    if name == "techniques" and isinstance(value, list):
        labels = dict(SessionNote.Technique.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    return str(value)


def _part_comments(review: NoteReview) -> list[tuple[str, str]]:
    comments = review.part_comments if isinstance(review.part_comments, dict) else {}
    return [(label, comments[name]) for name, label in NOTE_PARTS.items() if comments.get(name)]


def note_history(note: SessionNote) -> list[VersionShown]:
    """Every signed version of the note, oldest first, each part with what changed since
    the version before, and the reviews of each version. Two queries, however many
    versions and reviews."""
    versions = list(
        NoteVersion.objects.filter(note=note).select_related("signed_by").order_by("number")
    )
    reviews = NoteReview.objects.filter(note=note).select_related("reviewer").order_by("at", "pk")
    by_version: dict[int, list[ReviewShown]] = {}
    for review in reviews:
        by_version.setdefault(review.note_version_id, []).append(
            ReviewShown(review, _part_comments(review))
        )
    shown: list[VersionShown] = []
    previous: dict[str, str] | None = None
    for version in versions:
        snapshot = version.snapshot if isinstance(version.snapshot, dict) else {}
        texts = {name: part_text(name, snapshot.get(name)) for name in NOTE_PARTS}
        parts = []
        for name, label in NOTE_PARTS.items():
            before = previous[name] if previous is not None else None
            changed = before is not None and before != texts[name]
            parts.append(
                PartShown(
                    name=name,
                    label=label,
                    text=texts[name],
                    changed=changed,
                    diff=notediff.word_diff(before or "", texts[name]) if changed else None,
                )
            )
        shown.append(VersionShown(version, parts, by_version.get(version.pk, [])))
        previous = texts
    return shown


@dataclass(frozen=True)
class ReturnedNote:
    note: SessionNote
    returned_by: str
    returned_at: datetime | None


def returned_notes_by_author(author_ids: Iterable[int]) -> dict[int, list[ReturnedNote]]:
    """Each author's notes returned for revision, oldest return first, with who returned
    each and when. Two queries, however many authors and notes."""
    notes = list(
        SessionNote.objects.filter(
            author_id__in=list(author_ids), status=SessionNote.Status.RETURNED
        )
        .select_related("course__client")
        .order_by("updated_at", "pk")
    )
    if not notes:
        return {}
    latest: dict[int, NoteReview] = {}
    returns = (
        NoteReview.objects.filter(
            note_id__in=[n.pk for n in notes], decision=NoteReview.Decision.RETURNED
        )
        .select_related("reviewer")
        .order_by("at", "pk")
    )
    for one in returns:
        latest[one.note_id] = one  # the last one wins
    by_author: dict[int, list[ReturnedNote]] = defaultdict(list)
    for note in notes:
        review = latest.get(note.pk)
        by_author[note.author_id].append(
            ReturnedNote(
                note=note,
                returned_by=review.reviewer.full_name if review else "",
                returned_at=review.at if review else None,
            )
        )
    for rows in by_author.values():
        rows.sort(key=lambda row: (row.returned_at or row.note.updated_at, row.note.pk))
    return by_author


def returned_notes_of(user: User) -> list[ReturnedNote]:
    """The notes returned to this author for revision (the student's home shows them
    first)."""
    return returned_notes_by_author([user.pk]).get(user.pk, [])


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
            "label": f"Below {_tenth(pass_mark)}",  # beside the plot: short
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
    supervisee_id: int
    supervisee: str
    supervisor_ratings: int
    self_ratings: int


def fidelity_rating_counts(clinic_id: int) -> list[RatingCount]:
    """Ratings done per therapist, by kind: what an administrator sees (no scores). One
    query."""
    rows = (
        FidelityRating.objects.filter(clinic_id=clinic_id)
        .values("note__author_id", "note__author__full_name")
        .annotate(
            supervisor=Count("pk", filter=Q(kind=FidelityRating.Kind.SUPERVISOR)),
            own=Count("pk", filter=Q(kind=FidelityRating.Kind.SELF)),
        )
        .order_by("note__author__full_name", "note__author_id")
    )
    return [
        RatingCount(
            row["note__author_id"], row["note__author__full_name"], row["supervisor"], row["own"]
        )
        for row in rows
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


def meetings_for(user: User) -> QuerySet[SupervisionMeeting]:
    """The meetings in a person's scope, newest first: those they ran as supervisor and
    those they attended as a supervisee. Four queries whatever the number of rows (the
    meetings, then their supervisees, clients discussed and agreed actions)."""
    mine = Q(supervisor=user) | Q(pk__in=_attended(user))
    return (
        SupervisionMeeting.objects.filter(mine, clinic_id=user.home_clinic_id)
        .select_related("supervisor")
        .prefetch_related(
            Prefetch("supervisees", queryset=User.objects.order_by("full_name")),
            Prefetch("clients_discussed", queryset=Client.objects.order_by("chart_number")),
            Prefetch("actions", queryset=AgreedAction.objects.select_related("supervisee")),
        )
        .order_by("-date", "-pk")
    )


def _attended(user: User) -> QuerySet[Any]:
    through = SupervisionMeeting.supervisees.through
    return through.objects.filter(user_id=user.pk).values("supervisionmeeting_id")


def log_record_reads(*, actor: Actor, meetings: Iterable[SupervisionMeeting]) -> None:
    """The clients discussed at the meetings shown are client records read: one entry per
    client and meeting (a request stores them together when it ends)."""
    for meeting in meetings:
        for client in meeting.clients_discussed.all():
            access_record(
                actor=actor, action="read", client=client, target=meeting, detail="supervision log"
            )


def meeting_get_for(*, actor: Actor, pk: int) -> SupervisionMeeting:
    """A meeting in the actor's scope (and a read of its clients discussed), else 404."""
    user = actor.user
    if user is None or not 0 < pk < 2**62:
        raise Http404
    meeting = meetings_for(user).filter(pk=pk).first()
    if meeting is None or not user.has_perm("supervision.view_meeting", meeting):
        raise Http404
    log_record_reads(actor=actor, meetings=[meeting])
    return meeting


def action_get_for(*, user: User, pk: int) -> AgreedAction:
    """An agreed action of a meeting in the person's scope, else 404."""
    if not 0 < pk < 2**62:
        raise Http404
    action = (
        AgreedAction.objects.filter(pk=pk, meeting__clinic_id=user.home_clinic_id)
        .select_related("meeting")
        .first()
    )
    if action is None or not user.has_perm("supervision.view_meeting", action.meeting):
        raise Http404
    return action


def hours_and_minutes(minutes: int) -> str:
    """90 → "1 h 30 min": how a school's form and a supervisor read time."""
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h {rest} min" if rest else f"{whole} h"


@dataclass(frozen=True)
class MonthTotal:
    month: date  # its first day
    minutes: int
    meetings: int

    @property
    def time(self) -> str:
        return hours_and_minutes(self.minutes)


@dataclass
class SuperviseeTotals:
    """Supervision time of one supervisee: per month (newest first) and overall."""

    supervisee: User
    months: list[MonthTotal] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.months)

    @property
    def meetings(self) -> int:
        return sum(m.meetings for m in self.months)

    @property
    def time(self) -> str:
        return hours_and_minutes(self.minutes)


def supervision_totals(
    *,
    clinic_id: int,
    supervisor: User | None = None,
    supervisee: User | None = None,
    since: date | None = None,
) -> list[SuperviseeTotals]:
    """Minutes of supervision per supervisee per month and overall, from the meetings they
    attended (of one supervisor, or of one supervisee, or the clinic's). Two queries: the
    sums, grouped in the database, and the people they are about."""
    through = SupervisionMeeting.supervisees.through
    rows = through.objects.filter(supervisionmeeting__clinic_id=clinic_id)
    if supervisor is not None:
        rows = rows.filter(supervisionmeeting__supervisor=supervisor)
    if supervisee is not None:
        rows = rows.filter(user_id=supervisee.pk)
    if since is not None:
        rows = rows.filter(supervisionmeeting__date__gte=since)
    sums = (
        rows.annotate(month=TruncMonth("supervisionmeeting__date"))
        .values("user_id", "month")  # type: ignore[misc]  # the stubs miss annotations on an auto-created through model
        .annotate(minutes=Sum("supervisionmeeting__minutes"), meetings=Count("pk"))
        .order_by("user_id", "-month")
    )
    by_person: dict[int, list[MonthTotal]] = {}
    for row in sums:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        by_person.setdefault(row["user_id"], []).append(
            MonthTotal(month=month, minutes=row["minutes"] or 0, meetings=row["meetings"])
        )
    people = User.objects.filter(pk__in=by_person).order_by("full_name", "pk")
    return [SuperviseeTotals(supervisee=p, months=by_person[p.pk]) for p in people]


# --- Practicum hours -----------------------------------------------------------------------

# A session's length when no booked appointment says otherwise: the clinic's usual IPT
# session (the "session" appointment kind, 50 minutes).
USUAL_SESSION_MINUTES = KINDS["session"].minutes
# Appointments that held the time of a session that took place (a past one may still be
# "booked" when nobody marked it attended).
_HELD = (Appointment.Status.ATTENDED, Appointment.Status.BOOKED)
LONGEST_PERIOD_DAYS = 366


def month_key(day: date) -> str:
    """The month as the hours pages' URLs and the API name it: "2026-08" (ISO)."""
    return f"{day.year:04d}-{day.month:02d}"


def month_from_key(key: str) -> date | None:
    """The first day of the month a key such as "2026-08" names; None for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", key)
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    return date(int(match[1]), int(match[2]), 1)


def month_period(day: date) -> tuple[date, date]:
    """The first and last day of the month of `day`."""
    first = day.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


@dataclass(frozen=True)
class SessionHours:
    """One attended session in a student's direct client hours. `booked_minutes` is what
    the records give (the booked appointment's length, else the usual session length);
    `minutes` what counts, after the latest adjustment if any."""

    note: SessionNote
    client: Client
    booked_minutes: int
    from_appointment: bool
    adjustment: HoursAdjustment | None

    @property
    def date(self) -> date:
        return self.note.date

    @property
    def minutes(self) -> int:
        return self.adjustment.minutes if self.adjustment else self.booked_minutes


@dataclass
class Hours:
    """A supervisee's practicum hours for a period: sessions, supervision, the sign-off."""

    supervisee: User
    period_from: date
    period_to: date
    sessions: list[SessionHours]
    meetings: list[SupervisionMeeting]
    sign_off: HoursSignOff | None

    @property
    def direct_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    @property
    def supervision_minutes(self) -> int:
        return sum(m.minutes for m in self.meetings)

    @property
    def direct_time(self) -> str:
        return hours_and_minutes(self.direct_minutes)

    @property
    def supervision_time(self) -> str:
        return hours_and_minutes(self.supervision_minutes)

    @property
    def fingerprint(self) -> str:
        """A digest of what a sign-off covers: each session's and meeting's date and
        minutes. Any change to the period's hours changes it."""
        rows = [("s", s.note.pk, s.date.isoformat(), s.minutes) for s in self.sessions]
        rows += [("m", m.pk, m.date.isoformat(), m.minutes) for m in self.meetings]
        return hashlib.sha256(json.dumps(sorted(rows)).encode()).hexdigest()

    @property
    def sign_off_is_current(self) -> bool:
        return self.sign_off is not None and self.sign_off.fingerprint == self.fingerprint

    @property
    def clients(self) -> list[Client]:
        return list({s.client.pk: s.client for s in self.sessions}.values())


def _booked_minutes(supervisee: User, notes: list[SessionNote], zone: ZoneInfo) -> dict[int, int]:
    """Each note's booked length, where one appointment of the same therapist and client on
    the note's date held the time. A SessionNote has no link to its appointment, so this is
    the match a person would make reading the calendar; two or none that day is ambiguous
    and the note counts the usual length instead of a guess. One query."""
    if not notes:
        return {}
    first = min(n.date for n in notes)
    last = max(n.date for n in notes)
    starts = datetime.combine(first, time.min, tzinfo=zone)
    ends = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    found: dict[tuple[int, date], list[int]] = {}
    for appointment in Appointment.objects.filter(
        therapist=supervisee,
        client_id__in={n.course.client_id for n in notes},
        status__in=_HELD,
        starts_at__gte=starts,
        starts_at__lt=ends,
    ).only("client_id", "starts_at", "ends_at"):
        day = appointment.starts_at.astimezone(zone).date()
        length = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
        found.setdefault((appointment.client_id or 0, day), []).append(length)
    booked = {}
    for note in notes:
        lengths = found.get((note.course.client_id, note.date), [])
        if len(lengths) == 1 and 0 < lengths[0] <= 480:
            booked[note.pk] = lengths[0]
    return booked


def hours_for(supervisee: User, *, period_from: date, period_to: date) -> Hours:
    """The supervisee's direct client hours (their attended sessions: missed ones do not
    count) and supervision hours (the meetings they attended) from `period_from` to
    `period_to`, with the latest sign-off of that period. Five queries, whatever the
    number of sessions and meetings."""
    clinic = supervisee.home_clinic
    notes = list(
        SessionNote.objects.filter(
            clinic_id=clinic.pk,
            author=supervisee,
            attendance=SessionNote.Attendance.ATTENDED,
            date__gte=period_from,
            date__lte=period_to,
        )
        .select_related("course__client")
        .order_by("date", "pk")
    )
    booked = _booked_minutes(supervisee, notes, ZoneInfo(clinic.time_zone))
    latest: dict[int, HoursAdjustment] = {}
    if notes:
        for adjustment in HoursAdjustment.objects.filter(
            supervisee=supervisee, note_id__in=[n.pk for n in notes]
        ).select_related("by"):
            latest[adjustment.note_id] = adjustment  # ordered by time: the last one wins
    sessions = [
        SessionHours(
            note=n,
            client=n.course.client,
            booked_minutes=booked.get(n.pk, USUAL_SESSION_MINUTES),
            from_appointment=n.pk in booked,
            adjustment=latest.get(n.pk),
        )
        for n in notes
    ]
    meetings = list(
        SupervisionMeeting.objects.filter(
            clinic_id=clinic.pk,
            supervisees=supervisee,
            date__gte=period_from,
            date__lte=period_to,
        )
        .select_related("supervisor")
        .order_by("date", "pk")
    )
    sign_off = (
        HoursSignOff.objects.filter(
            supervisee=supervisee, period_from=period_from, period_to=period_to
        )
        .select_related("signed_by")
        .first()
    )
    return Hours(
        supervisee=supervisee,
        period_from=period_from,
        period_to=period_to,
        sessions=sessions,
        meetings=meetings,
        sign_off=sign_off,
    )


def hours_record_reads(*, actor: Actor, hours: Hours, detail: str = "practicum hours") -> None:
    """The sessions listed are client records read: one entry per client."""
    for client in hours.clients:
        access_record(
            actor=actor, action="read", client=client, target=hours.supervisee, detail=detail
        )


def hours_note_get_for(*, user: User, pk: int) -> SessionNote:
    """An attended session in the hours of someone `user` may adjust, else 404."""
    if not 0 < pk < 2**62:
        raise Http404
    note = (
        SessionNote.objects.filter(
            clinic_id=user.home_clinic_id, pk=pk, attendance=SessionNote.Attendance.ATTENDED
        )
        .select_related("author__clinic", "course__client")
        .first()
    )
    if note is None or not user.has_perm("supervision.view_hours", note.author):
        raise Http404
    return note


# --- Certification -------------------------------------------------------------------------


def _supervised_session_numbers(
    courses: Iterable[Course],
    notes: Iterable[SessionNote],
    discussed: Iterable[tuple[date, int]],
    rated: set[int],
) -> dict[int, set[int]]:
    """Per course, the sessions a supervisor has seen: a co-signed note, a note rated by a
    supervisor (`rated`), or the latest session held before a supervision meeting that
    discussed the client."""
    seen: dict[int, set[int]] = defaultdict(set)
    held: dict[int, list[SessionNote]] = defaultdict(list)
    for note in notes:
        held[note.course_id].append(note)
        if note.cosigned_by_id is not None or note.pk in rated:
            seen[note.course_id].add(note.number)
    meetings: dict[int, list[date]] = defaultdict(list)
    for day, client_id in discussed:
        meetings[client_id].append(day)
    for course in courses:
        for day in meetings[course.client_id]:
            before = [note for note in held[course.pk] if note.date <= day]
            if before:
                seen[course.pk].add(max(before, key=lambda note: note.date).number)
    return seen


def certification_cases(supervisee: User) -> list[certification.CaseEvidence]:
    """What the records of each of the supervisee's courses show, for the certification
    tracker (a fixed number of queries, whatever the number of courses)."""
    courses = list(
        Course.objects.filter(clinic_id=supervisee.home_clinic_id, therapist=supervisee)
        .select_related("client")
        .order_by("start_date", "pk")
    )
    ids = [course.pk for course in courses]
    notes = list(
        SessionNote.objects.filter(
            course_id__in=ids, attendance=SessionNote.Attendance.ATTENDED
        ).only("course_id", "number", "date", "status", "cosigned_by_id")
    )
    held = Counter(note.course_id for note in notes)
    discussed = SupervisionMeeting.objects.filter(
        supervisees=supervisee, clients_discussed__in={course.client_id for course in courses}
    ).values_list("date", "clients_discussed")
    ratings = FidelityRating.objects.filter(note__course_id__in=ids).values_list(
        "note_id", "note__course_id", "kind", "recording_reference"
    )
    rated: set[int] = set()
    self_rated: set[int] = set()
    recordings: set[int] = set()
    for note_id, course_id, kind, recording in ratings:
        if kind == FidelityRating.Kind.SELF:
            self_rated.add(course_id)
        else:
            rated.add(note_id)
            if recording.strip():
                recordings.add(course_id)
    supervised = _supervised_session_numbers(courses, notes, discussed, rated)
    summaries = formulation_summaries(ids)
    measures: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for course_id, code, number in QuestionnaireResponse.objects.filter(
        course_id__in=ids, complete=True
    ).values_list("course_id", "code", "session_number"):
        measures[course_id].add((code, number))
    cases = []
    for course in courses:
        spec = course.protocol_spec
        bounds = protocols.phase_bounds(spec, course.planned_sessions)
        started = dates.day(course.start_date)
        summary = summaries.get(course.pk)
        cases.append(
            certification.CaseEvidence(
                course_id=course.pk,
                label=f"{course.client.chart_number} · {spec.name} from {started}",
                completed=course.status == Course.Status.COMPLETED,
                ended_early=course.status == Course.Status.ENDED_EARLY,
                phases=tuple(phase.value for phase in bounds),
                sessions_held=held[course.pk],
                supervised_phases=frozenset(
                    protocols.phase_for(spec, number, course.planned_sessions).value
                    for number in supervised[course.pk]
                ),
                inventory=bool(summary and summary.inventory_people),
                formulation_agreed=bool(summary and summary.formulation_agreed_on),
                self_rated=course.pk in self_rated,
                rated_recording=course.pk in recordings,
                measures=frozenset(measures[course.pk]),
            )
        )
    return cases


def certification_progress(supervisee: User) -> certification.Progress:
    """The supervisee's progress towards the clinic's certification standard."""
    settings = supervision_settings(supervisee.home_clinic_id)
    minutes = SupervisionMeeting.objects.filter(supervisees=supervisee).aggregate(
        total=Sum("minutes")
    )["total"]
    return certification.progress(
        certification.standard(settings.certification_standard_code),
        certification_cases(supervisee),
        consultation_minutes=minutes or 0,
    )


# --- Supervisor's home ---------------------------------------------------------------------

# A draft still unsigned two days after it was opened is overdue: notes are written the
# day of the session, and a student's unsigned note cannot be supervised.
DRAFT_OVERDUE_AFTER = timedelta(hours=48)


@dataclass(frozen=True)
class WaitingNote:
    """A note waiting for co-signature, with how long it has waited."""

    note: SessionNote
    days_waiting: int
    is_late: bool


def notes_waiting_by_author(
    supervisor: User, *, now: datetime, limit_days: int
) -> dict[int, list[WaitingNote]]:
    """Each supervisee's notes waiting for this supervisor, oldest first; those waiting
    longer than the clinic's limit are late (one query)."""
    waiting: dict[int, list[WaitingNote]] = defaultdict(list)
    for note in notes_awaiting_cosignature(supervisor):
        days = (now - note.signed_at).days if note.signed_at else 0
        waiting[note.author_id].append(WaitingNote(note, days, days > limit_days))
    return waiting


def overdue_drafts_by_author(
    author_ids: Iterable[int], *, now: datetime
) -> dict[int, list[SessionNote]]:
    """Each author's drafts opened more than 48 hours ago, oldest first (one query)."""
    drafts: dict[int, list[SessionNote]] = defaultdict(list)
    for note in (
        SessionNote.objects.filter(
            author_id__in=list(author_ids),
            status=SessionNote.Status.DRAFT,
            created_at__lt=now - DRAFT_OVERDUE_AFTER,
        )
        .select_related("course__client")
        .order_by("created_at", "pk")
    ):
        drafts[note.author_id].append(note)
    return drafts


@dataclass(frozen=True)
class MonthAtAGlance:
    """A supervisee's month so far: sessions held and supervision received."""

    sessions_held: int
    supervision_minutes: int

    @property
    def supervision(self) -> str:
        return hours_and_minutes(self.supervision_minutes)


def month_at_a_glance(
    supervisor: User, supervisee_ids: Iterable[int], *, today: date
) -> dict[int, MonthAtAGlance]:
    """This month's sessions held by each supervisee, and the supervision this supervisor
    gave them (three queries, whatever the number of supervisees)."""
    ids = list(supervisee_ids)
    first, _last = month_period(today)
    held = Counter(
        SessionNote.objects.filter(
            author_id__in=ids,
            attendance=SessionNote.Attendance.ATTENDED,
            date__gte=first,
            date__lte=today,
        ).values_list("author_id", flat=True)
    )
    given = {
        totals.supervisee.pk: totals.minutes
        for totals in supervision_totals(
            clinic_id=supervisor.home_clinic_id, supervisor=supervisor, since=first
        )
    }
    return {pk: MonthAtAGlance(held[pk], given.get(pk, 0)) for pk in ids}


@dataclass(frozen=True)
class TherapistCounts:
    """What an administrator sees of one therapist's supervision: counts and times, never
    the text of a note, a rating or a meeting."""

    therapist: User
    cosigned: int
    mean_days_to_cosign: float | None
    waiting: int
    sessions_this_month: int
    supervision_minutes: int
    supervisor_ratings: int
    self_ratings: int

    @property
    def supervision(self) -> str:
        return hours_and_minutes(self.supervision_minutes)


def clinic_supervision_counts(clinic_id: int, *, today: date) -> list[TherapistCounts]:
    """Per therapist of the clinic: notes co-signed and the mean time it took, notes
    waiting, sessions held this month, supervision received overall, ratings done. A fixed
    number of queries, whatever the number of therapists or notes."""
    therapists = list(
        User.objects.filter(clinic_id=clinic_id, is_therapist=True, is_active=True).order_by(
            "full_name", "pk"
        )
    )
    ids = [person.pk for person in therapists]
    days: dict[int, list[float]] = defaultdict(list)
    for author_id, signed_at, cosigned_at in SessionNote.objects.filter(
        author_id__in=ids, status=SessionNote.Status.FINAL, cosigned_at__isnull=False
    ).values_list("author_id", "signed_at", "cosigned_at"):
        if signed_at is not None and cosigned_at is not None:
            days[author_id].append((cosigned_at - signed_at).total_seconds() / 86400)
    waiting = Counter(
        SessionNote.objects.filter(
            author_id__in=ids, status=SessionNote.Status.AWAITING_COSIGNATURE
        ).values_list("author_id", flat=True)
    )
    first, _last = month_period(today)
    held = Counter(
        SessionNote.objects.filter(
            author_id__in=ids,
            attendance=SessionNote.Attendance.ATTENDED,
            date__gte=first,
            date__lte=today,
        ).values_list("author_id", flat=True)
    )
    minutes = {t.supervisee.pk: t.minutes for t in supervision_totals(clinic_id=clinic_id)}
    ratings = {count.supervisee_id: count for count in fidelity_rating_counts(clinic_id)}
    rows = []
    for person in therapists:
        taken = days.get(person.pk, [])
        rated = ratings.get(person.pk)
        rows.append(
            TherapistCounts(
                therapist=person,
                cosigned=len(taken),
                mean_days_to_cosign=round(sum(taken) / len(taken), 1) if taken else None,
                waiting=waiting[person.pk],
                sessions_this_month=held[person.pk],
                supervision_minutes=minutes.get(person.pk, 0),
                supervisor_ratings=rated.supervisor_ratings if rated else 0,
                self_ratings=rated.self_ratings if rated else 0,
            )
        )
    return rows
