from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """The shared cache lives in a table of its own (settings.CACHES); every `migrate`
    makes sure it exists, so no deployment step can forget it."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    """Cross-cutting pieces: middleware, error pages, health checks, template filters."""

    name = "iptcare.core"
    label = "core"

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self)
