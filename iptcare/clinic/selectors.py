from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from iptcare.accounts.models import User
from iptcare.clients.models import Client


def staff_of(clinic_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(clinic_id=clinic_id, is_client=False)
        .select_related("therapist_profile__supervisor")
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


def supervisees_of(user: User) -> QuerySet[User]:
    return (
        User.objects.filter(clinic_id=user.home_clinic_id, therapist_profile__supervisor=user)
        .select_related("therapist_profile")
        .prefetch_related("assigned_clients")
        .order_by("full_name")
    )
