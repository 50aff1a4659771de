from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "palermo.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires"
