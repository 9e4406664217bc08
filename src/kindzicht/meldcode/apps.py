from django.apps import AppConfig


class MeldcodeConfig(AppConfig):
    name = "kindzicht.meldcode"
    label = "meldcode"
    verbose_name = "Signalering en Meldcode"
