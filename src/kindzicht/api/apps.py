from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kindzicht.api"
    label = "api"
    verbose_name = "API"
