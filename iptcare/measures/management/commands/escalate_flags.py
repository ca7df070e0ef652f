from __future__ import annotations

from django.core.management.base import BaseCommand

from iptcare.measures.services import flags_escalate_overdue
from iptcare.measures.tasks import ensure_schedules


class Command(BaseCommand):
    help = "Escalate risk flags open for 24 hours or more (each once) and ensure the schedule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Also create the 15-minute background schedule if it is missing.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["schedule"] and ensure_schedules():
            self.stdout.write("Created the 15-minute escalation schedule.")
        count = flags_escalate_overdue()
        self.stdout.write(f"Escalated {count} risk flag{'s' if count != 1 else ''}.")
