from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from iptcare.accounts.models import User
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic, SupervisionLink


def staff_of(clinic_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(clinic_id=clinic_id, is_client=False)
        .select_related("therapist_profile")
        .prefetch_related("invitations")
        .annotate(caseload=Count("assigned_clients", distinct=True))
        .order_by("full_name")
    )


def clinic_overview(clinic_id: int) -> dict[str, object]:
    counts = Client.objects.filter(clinic_id=clinic_id).aggregate(
        total=Count("pk"),
        intake=Count("pk", filter=Q(status=Client.Status.INTAKE)),
        active=Count("pk", filter=Q(status=Client.Status.ACTIVE)),
        discharged=Count("pk", filter=Q(status=Client.Status.DISCHARGED)),
        unassigned=Count("pk", filter=Q(therapists=None)),
    )
    staff = User.objects.filter(clinic_id=clinic_id, is_client=False).aggregate(
        therapists=Count("pk", filter=Q(is_therapist=True)),
        students=Count("pk", filter=Q(therapist_profile__kind="practicum")),
        supervisors=Count("pk", filter=Q(is_supervisor=True)),
        pending=Count("pk", filter=Q(is_active=False)),
    )
    return {"clients": counts, "staff": staff}


# --- Who supervises whom: the one place every app asks ------------------------------------
# A link is current on a day when it has started and not yet ended, the day being the
# clinic's date (a link "to 4 August" still holds at 11 p.m. in Toronto on 4 August).


def clinic_today(clinic: Clinic) -> date:
    """Today where the clinic is (the same as courses' `clinic_today`, which clinic, a
    lower layer, cannot import)."""
    return datetime.now(ZoneInfo(clinic.time_zone)).date()


def current_on(day: date, prefix: str = "") -> Q:
    """The links current on `day`, as a Q on SupervisionLink (or on a relation to it, with
    `prefix` such as "supervised_links__")."""
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


def _day_for(user: User, on: date | None) -> date:
    return on if on is not None else clinic_today(user.home_clinic)


def current_links(clinic_id: int, on: date) -> QuerySet[SupervisionLink]:
    return SupervisionLink.objects.filter(current_on(on), clinic_id=clinic_id)


def supervisee_ids(user: User, *, on: date | None = None) -> QuerySet[SupervisionLink, Any]:
    """A subquery of the people `user` supervises today, for other apps' querysets:
    `Client.objects.filter(therapists__in=supervisee_ids(user))`."""
    return (
        current_links(user.home_clinic_id, _day_for(user, on))
        .filter(supervisor=user)
        .values("supervisee_id")
    )


def supervises(supervisor: User, supervisee_id: int | None, *, on: date | None = None) -> bool:
    """Whether `supervisor` holds a current link to this person (in their own clinic)."""
    if supervisee_id is None or not supervisor.is_supervisor or supervisor.clinic_id is None:
        return False
    return (
        current_links(supervisor.clinic_id, _day_for(supervisor, on))
        .filter(supervisor=supervisor, supervisee_id=supervisee_id)
        .exists()
    )


def supervisees_of(user: User, *, on: date | None = None) -> QuerySet[User]:
    """The people `user` supervises today, with their profiles and clients."""
    return (
        User.objects.filter(clinic_id=user.home_clinic_id, pk__in=supervisee_ids(user, on=on))
        .select_related("therapist_profile")
        .prefetch_related("assigned_clients")
        .order_by("full_name")
    )


def supervisors_of(user: User, *, on: date | None = None) -> QuerySet[User]:
    """Today's supervisors of `user`, the primary first."""
    links = current_links(user.home_clinic_id, _day_for(user, on)).filter(supervisee=user)
    return (
        User.objects.filter(pk__in=links.values("supervisor_id"))
        .annotate(is_primary=Exists(links.filter(supervisor_id=OuterRef("pk"), is_primary=True)))
        .order_by("-is_primary", "full_name")
    )


def primary_supervisor_of(user: User, *, on: date | None = None) -> User | None:
    link = (
        current_links(user.home_clinic_id, _day_for(user, on))
        .filter(supervisee=user, is_primary=True)
        .select_related("supervisor")
        .first()
    )
    return link.supervisor if link is not None else None


def primary_supervisors_for(
    supervisee_ids: Iterable[int], *, clinic: Clinic, on: date | None = None
) -> dict[int, User]:
    """{supervisee's id: their primary supervisor today}, in one query, for lists."""
    day = on if on is not None else clinic_today(clinic)
    links = (
        current_links(clinic.pk, day)
        .filter(supervisee_id__in=list(supervisee_ids), is_primary=True)
        .select_related("supervisor")
    )
    return {link.supervisee_id: link.supervisor for link in links}


def primary_supervisor_name(clinic: Clinic, *, supervisee_ref: str = "user_id") -> Subquery:
    """The full name of today's primary supervisor of the row's person (`supervisee_ref`
    names the column holding their id), to annotate a queryset in one query."""
    return Subquery(
        current_links(clinic.pk, clinic_today(clinic))
        .filter(supervisee_id=OuterRef(supervisee_ref), is_primary=True)
        .values("supervisor__full_name")[:1]
    )


def links_of(supervisee: User) -> list[SupervisionLink]:
    """Every link of this person, current and past, latest first (the staff page)."""
    return list(
        SupervisionLink.objects.filter(clinic_id=supervisee.home_clinic_id, supervisee=supervisee)
        .select_related("supervisor")
        .order_by("-starts_on", "-pk")
    )


def supervisor_choices(clinic_id: int) -> QuerySet[User]:
    """Who may supervise at this clinic: active staff with the supervisor role."""
    return User.objects.filter(
        clinic_id=clinic_id, is_supervisor=True, is_active=True, is_client=False
    ).order_by("full_name")
