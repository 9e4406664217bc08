from django.apps import AppConfig


class ContinuityConfig(AppConfig):
    name = "kindzicht.continuity"
    label = "continuity"
    verbose_name = "Continuïteit van zorg"
