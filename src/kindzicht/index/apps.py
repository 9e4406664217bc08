from django.apps import AppConfig


class IndexConfig(AppConfig):
    name = "kindzicht.index"
    label = "refindex"
    verbose_name = "Verwijsindex"
