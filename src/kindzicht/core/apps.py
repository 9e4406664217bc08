from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kindzicht.core"
    label = "core"
    verbose_name = "Kern: klok, gebeurtenissen, audit"
