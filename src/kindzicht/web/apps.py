from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kindzicht.web"
    label = "web"
    verbose_name = "Web"
