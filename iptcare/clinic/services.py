from __future__ import annotations

from django.db import transaction

from iptcare.audit.services import Actor, access_record
from iptcare.clinic.models import Clinic

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
