from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "kindzicht.learning"
    label = "learning"
    verbose_name = "Leren van calamiteiten"
