from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "iptcare.accounts"
    label = "accounts"
