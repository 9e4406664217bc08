from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kindzicht.plans"
    label = "plans"
    verbose_name = "Gezinsplan en ouders"
