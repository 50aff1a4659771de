from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "palermo.programmes"
    label = "programmes"
    verbose_name = "Programmes"
