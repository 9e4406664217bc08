from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "kindzicht.access"
    label = "access"
    verbose_name = _("Toegang (need to know)")

    def ready(self) -> None:
        # A read under a break-the-glass grant is audited with the grant's reason as its
        # purpose; core cannot import this app, so the app hands core the function.
        from kindzicht.core import actions

        from .grants import read_purpose

        actions.READ_PURPOSE_HOOKS.append(read_purpose)
