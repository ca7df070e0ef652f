from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SchedulingConfig(AppConfig):
    name = "iptcare.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        from iptcare.scheduling.tasks import ensure_schedules

        # After every migrate, so a fresh database has the reminder run without a manual step.
        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="scheduling-schedules")
