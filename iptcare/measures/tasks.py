"""Background jobs of the measures app (django-q2, ORM broker)."""

from __future__ import annotations

SCHEDULE_NAME = "Escalate overdue risk flags"
SCHEDULE_MINUTES = 15


def escalate_overdue_flags() -> int:
    from iptcare.measures.services import flags_escalate_overdue

    return flags_escalate_overdue()


def ensure_schedules() -> bool:
    """Create the 15-minute escalation schedule if it is missing; True when created."""
    from django_q.models import Schedule

    _, created = Schedule.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": "iptcare.measures.tasks.escalate_overdue_flags",
            "schedule_type": Schedule.MINUTES,
            "minutes": SCHEDULE_MINUTES,
            "repeats": -1,
        },
    )
    return created
