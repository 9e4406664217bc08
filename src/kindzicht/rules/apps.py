from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "kindzicht.rules"
    label = "rules"
    verbose_name = "Regels en signalering"
