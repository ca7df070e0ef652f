"""Reads for the public site, the intake queue and self-reflections."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from iptcare.audit.services import Actor, access_record
from iptcare.clients.models import Client
from iptcare.clinic.models import Clinic, TherapistProfile
from iptcare.clinic.selectors import primary_supervisor_name
from iptcare.intake.models import IntakeRequest, PublicSite, SelfReflection
from iptcare.intake.services import REQUEST_OBJECT
from iptcare.scheduling.selectors import PublicFee
from iptcare.scheduling.selectors import public_fees as scheduling_public_fees


def public_clinic(request: HttpRequest) -> Clinic:
    """The clinic whose public pages this address shows.

    In order: a public site registered for this host name; the PUBLIC_CLINIC_ID setting;
    the only clinic with public pages; the only clinic. Otherwise there is no public site.
    """
    host = request.get_host().split(":")[0].lower()
    site = PublicSite.objects.filter(host__iexact=host).select_related("clinic").first()
    if site is not None:
        return site.clinic
    configured = getattr(settings, "PUBLIC_CLINIC_ID", None)
    if configured:
        clinic = Clinic.objects.filter(pk=configured).first()
        if clinic is None:
            raise Http404("PUBLIC_CLINIC_ID names no clinic.")
        return clinic
    sites = list(PublicSite.objects.select_related("clinic")[:2])
    if len(sites) == 1:
        return sites[0].clinic
    clinics = list(Clinic.objects.all()[:2])
    if len(clinics) == 1:
        return clinics[0]
    raise Http404("No public site is set up for this address.")


def public_site_for(clinic: Clinic) -> PublicSite:
    """The clinic's public content; the defaults (not saved) until an administrator edits."""
    site = PublicSite.objects.filter(clinic=clinic).first()
    if site is None:
        site = PublicSite(clinic=clinic)
    site.clinic = clinic
    return site


def public_therapists(clinic: Clinic) -> list[TherapistProfile]:
    """Active therapists, registered first, as shown on the public therapists page."""
    profiles = (
        TherapistProfile.objects.filter(clinic=clinic, user__is_active=True)
        .select_related("user")
        .annotate(primary_supervisor_name=primary_supervisor_name(clinic))
    )
    return sorted(profiles, key=lambda p: (p.is_practicum, p.user.full_name))


def public_fees(clinic: Clinic) -> list[PublicFee]:
    """The fees the public site lists (scheduling keeps them; intake sits beside it)."""
    return scheduling_public_fees(clinic)


def booking_url() -> str:
    """Where "Book a consultation" goes: online booking when it exists, else the form."""
    try:
        return reverse("scheduling:public_book")
    except NoReverseMatch:
        return reverse("intake:request")


def intake_queue(clinic_id: int, status: str = "") -> QuerySet[IntakeRequest]:
    requests = IntakeRequest.objects.filter(clinic_id=clinic_id).select_related("client")
    if status in IntakeRequest.Status.values:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-pk")


def intake_counts(clinic_id: int) -> dict[str, int]:
    """How many requests are in each status (one query)."""
    counts = IntakeRequest.objects.filter(clinic_id=clinic_id).aggregate(
        **{value: Count("pk", filter=Q(status=value)) for value in IntakeRequest.Status.values}
    )
    return {key: value or 0 for key, value in counts.items()}


def intake_queue_read(*, actor: Actor, shown: list[IntakeRequest]) -> None:
    """The queue shows names of people who are not clients yet: log that it was read."""
    access_record(
        actor=actor,
        action="read",
        client=None,
        object_type=REQUEST_OBJECT,
        detail="queue: " + ",".join(str(r.pk) for r in shown)[:280],
    )


def intake_request_get_for(*, actor: Actor, pk: int) -> IntakeRequest:
    """The request, for an administrator of its clinic; else 404. Records the read."""
    user = actor.user
    if user is None or not user.is_clinic_admin or not 0 < pk < 2**62:
        raise Http404
    request = (
        IntakeRequest.objects.filter(clinic_id=user.home_clinic_id, pk=pk)
        .select_related("client", "clinic")
        .prefetch_related("events__by")
        .first()
    )
    if request is None:
        raise Http404
    access_record(
        actor=actor.as_role("administrator"),
        action="read",
        client=request.client,
        object_type=REQUEST_OBJECT,
        object_id=str(request.pk),
    )
    return request


def reflection_for(client: Client) -> SelfReflection | None:
    """The client's self-reflection, if they have started one (no audit: the caller's
    choke point has recorded the read of the client's record)."""
    return SelfReflection.objects.filter(client=client).select_related("clinic").first()
