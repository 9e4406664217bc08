from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig


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


class AxesConfig(AxesAppConfig):
    """django-axes (the lockout), named in Dutch in the admin. Its model and field names are
    marked for translation but it ships no Dutch: kindzicht's catalogue (``locale/nl``) has
    them."""

    default = False
    verbose_name = _("Inlogpogingen")


class TotpConfig(TotpAppConfig):
    """django-otp's authenticator apps, named in Dutch in the admin. django-otp names its
    model in English, not marked for translation: the display name is set here (it is no part
    of the model's migration state, which reads the model's own ``Meta``); the admin's columns
    have their own names (``security.admin``)."""

    default = False
    verbose_name = _("Authenticator-apps")

    def ready(self) -> None:
        super().ready()
        device = self.get_model("TOTPDevice")
        device._meta.verbose_name = _("gekoppelde authenticator-app")
        device._meta.verbose_name_plural = _("gekoppelde authenticator-apps")
