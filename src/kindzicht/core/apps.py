from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kindzicht.core"
    label = "core"
    verbose_name = _("Kern: klok, gebeurtenissen, audit")

    def ready(self) -> None:
        from . import prepared  # noqa: F401 - connects its connection_created receiver
