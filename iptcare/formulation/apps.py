from django.apps import AppConfig


class FormulationConfig(AppConfig):
    name = "iptcare.formulation"
    label = "formulation"
