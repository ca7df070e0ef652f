from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "iptcare.reports"
    label = "reports"
    verbose_name = "Reports and exports"
