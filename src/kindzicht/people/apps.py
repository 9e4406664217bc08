from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kindzicht.people"
    label = "people"
    verbose_name = "Personen, gezinnen en organisaties"
