from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "iptcare.measures"
    label = "measures"
