from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "kindzicht.safety"
    label = "safety"
    verbose_name = "Veiligheid en risico"
