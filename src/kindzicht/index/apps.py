from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndexConfig(AppConfig):
    name = "kindzicht.index"
    label = "refindex"
    verbose_name = _("Verwijsindex")
