from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces: middleware, error pages, health checks, template filters."""

    name = "iptcare.core"
    label = "core"
