"""The demo clinic: synthetic people only. Loading it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import import_module
from importlib.util import find_spec

from django.db import transaction

from iptcare.accounts.models import User
from iptcare.audit.services import Actor
from iptcare.clients.models import Client
from iptcare.clients.services import client_create
from iptcare.clinic.models import Clinic, TherapistProfile
from iptcare.clinic.selectors import clinic_today
from iptcare.clinic.services import supervision_link_add

DEMO_PASSWORD = "iptcare-demo"
DEMO_CLINIC_NAME = "Maple Grove IPT Clinic"
SYSTEM = Actor(user=None, role="system", request_id="demo-loader")

STAFF = [
    # email, name, roles, therapist profile
    ("admin@demo.iptcare.test", "Alex Morgan", {"is_clinic_admin": True}, None),
    (
        "supervisor@demo.iptcare.test",
        "Dr. Helen Park",
        {"is_supervisor": True},
        None,
    ),
    (
        "therapist@demo.iptcare.test",
        "Priya Natarajan",
        {"is_therapist": True},
        dict(
            kind="registered",
            profession="Registered Social Worker",
            credentials="MSW, RSW",
            regulatory_college="Ontario College of Social Workers and Social Service Workers",
            registration_number="812345",
            bio="Works with adults facing loss, conflict and life changes.",
        ),
    ),
    (
        "therapist2@demo.iptcare.test",
        "Daniel Okafor",
        {"is_therapist": True},
        dict(
            kind="registered",
            profession="Registered Psychotherapist",
            credentials="MA, RP",
            regulatory_college="College of Registered Psychotherapists of Ontario",
            registration_number="004321",
            bio="Works with adolescents (IPT-A) and new parents.",
        ),
    ),
    (
        "student@demo.iptcare.test",
        "Sam Rivera",
        {"is_therapist": True},
        dict(
            kind="practicum",
            profession="Master of Social Work student (practicum)",
            credentials="BSW",
            supervisor="supervisor@demo.iptcare.test",
            bio="Practicum student offering IPT at a reduced fee under supervision.",
        ),
    ),
]

# email (or None: no portal login), legal name, preferred, pronouns, born, status, therapist
CLIENTS = [
    (
        "client@demo.iptcare.test",
        "Jordan Lee",
        "Jo",
        "they/them",
        date(1991, 4, 12),
        "active",
        "therapist@demo.iptcare.test",
        "Low mood since a move to Toronto for a new job eight months ago; misses family.",
    ),
    (
        "client2@demo.iptcare.test",
        "Maria Santos",
        "",
        "she/her",
        date(1984, 9, 3),
        "active",
        "therapist2@demo.iptcare.test",
        "Depressed since her father died last spring; withdrawn from friends.",
    ),
    (
        None,
        "Ahmed Karimi",
        "",
        "he/him",
        date(1979, 1, 22),
        "active",
        "therapist@demo.iptcare.test",
        "Ongoing arguments with his wife about money and caregiving.",
    ),
    (
        None,
        "Chloe Tremblay",
        "",
        "she/her",
        date(2009, 6, 30),
        "active",
        "therapist2@demo.iptcare.test",
        "Adolescent; low mood and school refusal after a friendship ended.",
    ),
    (
        None,
        "Benjamin Cho",
        "Ben",
        "he/him",
        date(1995, 11, 8),
        "active",
        "student@demo.iptcare.test",
        "Lonely since university; few close friends, long-standing.",
    ),
    (
        None,
        "Fatima Haddad",
        "",
        "she/her",
        date(1988, 2, 14),
        "active",
        "student@demo.iptcare.test",
        "Low mood after the birth of her second child; return to work looming.",
    ),
    (
        None,
        "Liam O'Connor",
        "",
        "he/him",
        date(1962, 7, 19),
        "active",
        "therapist@demo.iptcare.test",
        "Retired in January; feels without purpose.",
    ),
    (
        None,
        "Grace Mensah",
        "",
        "she/her",
        date(1990, 3, 5),
        "intake",
        "therapist2@demo.iptcare.test",
        "Referred by her family doctor for depression.",
    ),
    (
        None,
        "Noah Williams",
        "",
        "he/him",
        date(2001, 12, 1),
        "intake",
        "student@demo.iptcare.test",
        "Job loss three months ago.",
    ),
    (
        None,
        "Sofia Rossi",
        "",
        "she/her",
        date(1975, 10, 27),
        "intake",
        None,
        "Separated from her partner in the summer.",
    ),
    (
        None,
        "Ethan Brown",
        "",
        "he/him",
        date(1983, 5, 16),
        "discharged",
        "therapist@demo.iptcare.test",
        "Completed a 16-session course (grief).",
    ),
    (
        None,
        "Ava Singh",
        "",
        "she/her",
        date(1999, 8, 9),
        "discharged",
        "therapist2@demo.iptcare.test",
        "Completed a course (role dispute with a parent).",
    ),
    (
        None,
        "Lucas Martin",
        "",
        "he/him",
        date(1993, 4, 2),
        "discharged",
        "student@demo.iptcare.test",
        "Ended early after moving out of province.",
    ),
    (
        None,
        "Amira Haddad",
        "Amira",
        "she/her",
        date(1988, 9, 21),
        "discharged",
        "student@demo.iptcare.test",
        "Completed Brief IPT (role transition: a first child and a return to work).",
    ),
]


# Each app may add `iptcare/<app>/demo.py` with `load_demo(demo: DemoContext)`; they run
# in this order, inside the same transaction, and must be idempotent too.
DEMO_APPS = [
    "courses",
    "formulation",
    "measures",
    "scheduling",
    "intake",
    "portal",
    "supervision",
    "reports",
]


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _user(clinic: Clinic, email: str, full_name: str, report: DemoReport, **roles: bool) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=full_name, clinic=clinic, **roles
        )
        report.created.append(email)
    return user


@dataclass
class DemoContext:
    clinic: Clinic
    users: dict[str, User]  # by email
    clients: dict[str, Client]  # by legal name
    report: DemoReport


@transaction.atomic
def demo_load() -> DemoReport:
    report = DemoReport()
    clinic = Clinic.objects.filter(name=DEMO_CLINIC_NAME).first()
    if clinic is None:
        clinic = Clinic.objects.create(
            name=DEMO_CLINIC_NAME,
            address="200 Harbord Street, Suite 4\nToronto, ON M5S 1H6",
            phone="416-555-0134",
            email="hello@demo.iptcare.test",
            time_zone="America/Toronto",
            fourth_focus_area_label="Interpersonal sensitivity",
            # The demo's staff log in with a password alone (README); a real clinic keeps
            # two-step sign-in on (Clinic settings).
            require_staff_two_factor=False,
        )
        report.created.append("clinic")
    users: dict[str, User] = {}
    for email, name, roles, profile in STAFF:
        user = _user(clinic, email, name, report, **roles)
        users[email] = user
        if profile and not TherapistProfile.objects.filter(user=user).exists():
            details = dict(profile)
            supervisor_email = details.pop("supervisor", None)
            TherapistProfile.objects.create(clinic=clinic, user=user, **details)
            if supervisor_email:
                # The practicum began a year ago, before any of the demo's courses.
                supervision_link_add(
                    actor=SYSTEM,
                    supervisee=user,
                    supervisor=users[supervisor_email],
                    is_primary=True,
                    starts_on=clinic_today(clinic) - timedelta(days=365),
                )
    for login_email, legal, preferred, pronouns, born, status, therapist, concerns in CLIENTS:
        if Client.objects.filter(clinic=clinic, legal_name=legal, date_of_birth=born).exists():
            continue
        portal_user = (
            _user(clinic, login_email, legal, report, is_client=True)
            if login_email is not None
            else None
        )
        client = client_create(
            actor=SYSTEM,
            clinic=clinic,
            legal_name=legal,
            date_of_birth=born,
            therapists=[users[therapist]] if therapist else [],
            preferred_name=preferred,
            pronouns=pronouns,
            email=login_email or "",
            phone="416-555-01" + f"{len(report.created) % 100:02d}",
            status=status,
            presenting_concerns=concerns,
            emergency_contact_name="(synthetic) Pat Doe",
            emergency_contact_phone="416-555-0199",
            emergency_contact_relation="friend",
        )
        if portal_user is not None:
            Client.objects.filter(pk=client.pk).update(user=portal_user)
        report.created.append(legal)
    context = DemoContext(
        clinic=clinic,
        users=users,
        clients={c.legal_name: c for c in Client.objects.filter(clinic=clinic)},
        report=report,
    )
    for app in DEMO_APPS:
        if find_spec(f"iptcare.{app}.demo") is not None:
            import_module(f"iptcare.{app}.demo").load_demo(context)
    return report


def demo_logins() -> list[tuple[str, str]]:
    return [(email, DEMO_PASSWORD) for email, *_ in STAFF] + [
        (c[0], DEMO_PASSWORD) for c in CLIENTS if c[0]
    ]
