from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "iptcare.supervision"
    label = "supervision"
    verbose_name = "Supervision"
