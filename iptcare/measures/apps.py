from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_schedules(sender, **kwargs):
    from iptcare.measures.tasks import ensure_schedules

    ensure_schedules()


class MeasuresConfig(AppConfig):
    name = "iptcare.measures"
    label = "measures"

    def ready(self) -> None:
        # Every migrated database gets the escalation schedule, so no deployment forgets it.
        post_migrate.connect(_ensure_schedules, sender=self, dispatch_uid="measures-schedules")
