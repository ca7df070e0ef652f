from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "iptcare.home"
    label = "home"
