from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kindzicht.core"
    label = "core"
    verbose_name = "Kern: klok, gebeurtenissen, audit"

    def ready(self) -> None:
        from . import prepared  # noqa: F401 - connects its connection_created receiver
