"""Demo data for intake: public pages with a logo, synthetic requests in every state (one
turned into a client), and Jordan Lee's self-reflection. Loading twice changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from iptcare.audit.services import Actor
from iptcare.clinic.demo import DemoContext
from iptcare.intake import services
from iptcare.intake.models import IntakeEvent, IntakeRequest, PublicSite, SelfReflection

LOGO_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="14" fill="#1d4f91"/>
<path d="M18 44c0-10 6-18 14-18s14 8 14 18" fill="none" stroke="#fff" stroke-width="5"
 stroke-linecap="round"/>
<circle cx="32" cy="18" r="6" fill="#f2b705"/>
</svg>"""

BASE = dict(
    preferred_contact="email",
    age_group="adult",
    therapist_preference="either",
    consent_to_contact=True,
)

# name, email, days ago, statuses it went through, notes, extra fields
REQUESTS: list[tuple[str, str, int, list[str], list[str], dict[str, object]]] = [
    (
        "Taylor Nguyen",
        "taylor.nguyen@example.test",
        1,
        [],
        [],
        dict(
            concerns="Since I lost my job in the spring I can't get going. I snap at my "
            "partner and stopped seeing friends.",
            life_changes=["job_loss"],
            preferred_times=["weekday_morning", "weekday_afternoon"],
            phone="416-555-0171",
        ),
    ),
    (
        "Mia Kowalski",
        "mia.k@example.test",
        2,
        [],
        [],
        dict(
            age_group="adolescent",
            concerns="My mum thinks I should talk to someone. Since we moved I don't have "
            "friends at the new school and I feel sad most days.",
            life_changes=["moving_homes", "starting_school"],
            preferred_times=["weekday_afternoon"],
            guardian_name="Anna Kowalski",
            guardian_relationship="mother",
            guardian_phone="647-555-0102",
            therapist_preference="registered",
        ),
    ),
    (
        "Omar Farouk",
        "omar.farouk@example.test",
        5,
        ["contacted"],
        ["Left a voicemail; he prefers evenings. Try again Thursday after 5."],
        dict(
            concerns="My father died in January and I still can't talk about him.",
            life_changes=["death_in_family"],
            preferred_contact="phone",
            phone="905-555-0143",
            preferred_times=["weekday_evening"],
        ),
    ),
    (
        "Hannah Schultz",
        "hannah.schultz@example.test",
        8,
        ["contacted", "consultation_booked"],
        ["Consultation booked with Sam Rivera (practicum, reduced fee)."],
        dict(
            concerns="Constant fighting with my partner about the baby and money.",
            life_changes=["pregnancy"],
            therapist_preference="practicum",
            preferred_times=["weekend"],
        ),
    ),
    (
        "Ravi Patel",
        "ravi.patel@example.test",
        12,
        ["contacted", "declined"],
        ["Looking for couples counselling rather than individual therapy; sent a list."],
        dict(
            concerns="My wife and I want help communicating.",
            life_changes=["relationship_breakdown"],
        ),
    ),
    (
        "Elena García",
        "elena.garcia@example.test",
        15,
        ["contacted", "referred"],
        ["Binge eating is the main concern; referred to the hospital's eating-disorder programme."],
        dict(
            concerns="Low mood and I eat when I'm upset; it's getting worse.",
            life_changes=["other"],
            life_change_other="Health problems",
        ),
    ),
]
CONVERTED = (
    "Olivia Bennett",
    "olivia.bennett@example.test",
    20,
    dict(
        concerns="I had a miscarriage in the autumn and since then I feel numb and far from "
        "my husband.",
        life_changes=["miscarriage"],
        preferred_times=["weekday_morning"],
        therapist_preference="registered",
        phone="416-555-0188",
    ),
)

JORDAN_REFLECTION = dict(
    mood_situations="Sunday evenings, when I think about the week at work. After calls with my "
    "sister I feel better for a while, then worse.",
    symptom_pattern="come_and_go",
    duration="months",
    duration_note="Since the move to Toronto for the new job, about eight months.",
    impact_note="I do my job but have no energy after. I stopped calling home. I haven't "
    "dated since I moved.",
    related_to_loss="yes",
    related_note="Leaving my family and friends in Halifax; the new job.",
    impact={"work": 6, "home": 5, "family": 7, "romantic": 4},
    distress={
        "family": 7,
        "friends": 8,
        "work": 6,
        "home": 3,
        "change": 8,
        "loneliness": 9,
        "money": 2,
    },
)


def _submit(
    context: DemoContext, name: str, email: str, days_ago: int, fields: Mapping[str, Any]
) -> IntakeRequest:
    data: dict[str, Any] = {**BASE, **fields}  # the public form's fields, as it sends them
    request = services.intake_submit(
        clinic=context.clinic, ip=None, full_name=name, email=email, **data
    )
    received = timezone.now() - timedelta(days=days_ago, hours=3)
    IntakeRequest.objects.filter(pk=request.pk).update(created_at=received)
    IntakeEvent.objects.filter(request=request).update(at=received)
    request.refresh_from_db()
    return request


def load_demo(context: DemoContext) -> None:
    clinic = context.clinic
    admin = context.users["admin@demo.iptcare.test"]
    actor = Actor(user=admin, role="administrator", request_id="demo-loader")
    if not PublicSite.objects.filter(clinic=clinic).exists():
        services.public_site_update(
            actor=actor,
            clinic=clinic,
            logo=LOGO_SVG,
            tagline="Feel more like yourself again, with the people who matter",
        )
        context.report.created.append("public site")
    for name, email, days_ago, statuses, notes, fields in REQUESTS:
        if IntakeRequest.objects.filter(clinic=clinic, email=email).exists():
            continue
        request = _submit(context, name, email, days_ago, fields)
        for n, status in enumerate(statuses):
            note = notes[n] if n < len(notes) and n == len(statuses) - 1 else ""
            request = services.intake_status_change(
                actor=actor, request=request, to_status=status, note=note
            )
        context.report.created.append(f"intake request {name}")
    name, email, days_ago, converted = CONVERTED
    if not IntakeRequest.objects.filter(clinic=clinic, email=email).exists():
        request = _submit(context, name, email, days_ago, converted)
        services.intake_status_change(actor=actor, request=request, to_status="contacted")
        request = services.intake_status_change(
            actor=actor,
            request=request,
            to_status="consultation_booked",
            note="Consultation booked with Priya Natarajan.",
        )
        services.intake_convert(
            actor=actor,
            request=request,
            legal_name=name,
            date_of_birth=date(1989, 10, 3),
            therapists=[context.users["therapist@demo.iptcare.test"]],
            invite=False,
        )
        context.report.created.append(f"intake request {name} (client)")
    jordan = context.clients.get("Jordan Lee")
    if (
        jordan is not None
        and jordan.user is not None
        and not SelfReflection.objects.filter(client=jordan).exists()
    ):
        services.reflection_save(
            actor=Actor(user=jordan.user, role="client", request_id="demo-loader"),
            client=jordan,
            finished=True,
            **JORDAN_REFLECTION,  # type: ignore[arg-type]  # the portal form's answers, as it sends them
        )
        context.report.created.append("self-reflection of Jordan Lee")
