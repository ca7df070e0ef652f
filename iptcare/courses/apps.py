from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "iptcare.courses"
    label = "courses"
