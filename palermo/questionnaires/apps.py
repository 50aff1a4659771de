from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    """The questionnaires app: XLSForm instruments and their responses."""
    name = "palermo.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires"
