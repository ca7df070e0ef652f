from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "iptcare.scheduling"
    label = "scheduling"
