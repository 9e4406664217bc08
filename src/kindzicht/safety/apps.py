from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "kindzicht.safety"
    label = "safety"
    verbose_name = _("Veiligheid en risico")
