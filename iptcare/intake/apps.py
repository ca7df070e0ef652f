from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "iptcare.intake"
    label = "intake"
