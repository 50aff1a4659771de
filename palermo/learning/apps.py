from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "palermo.learning"
    label = "learning"
    verbose_name = "Learning"
