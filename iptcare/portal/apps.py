from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "iptcare.portal"
    label = "portal"
