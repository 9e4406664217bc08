from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "kindzicht.oversight"
    label = "oversight"
    verbose_name = "Toezicht op toegang (FG)"
