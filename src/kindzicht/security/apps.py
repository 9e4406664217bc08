from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "kindzicht.security"
    label = "security"
    verbose_name = _("Inlogbeveiliging")
    default = True

    def ready(self) -> None:
        from . import signals  # noqa: F401  (lockouts and logins are recorded)


class KindzichtAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site also asks for a verified second factor (docs/access.md)."""

    default = False
    default_site = "kindzicht.security.admin_site.SecondFactorAdminSite"
