from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "kindzicht.privacy"
    label = "privacy"
    verbose_name = "Privacyrechten"
