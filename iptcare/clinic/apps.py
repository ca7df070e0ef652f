from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "iptcare.clinic"
    label = "clinic"
