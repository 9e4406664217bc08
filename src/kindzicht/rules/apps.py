from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "kindzicht.rules"
    label = "rules"
    verbose_name = "Regels en signalering"

    def ready(self):
        from . import planner  # noqa: F401 - registers the ``__any`` lookup the rules use
