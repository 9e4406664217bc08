from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "kindzicht.rules"
    label = "rules"
    verbose_name = _("Regels en signalering")

    def ready(self):
        from . import planner  # noqa: F401 - registers the ``__any`` lookup the rules use
