from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "iptcare.clients"
    label = "clients"
