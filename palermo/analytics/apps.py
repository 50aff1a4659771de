from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "palermo.analytics"
    label = "analytics"
    verbose_name = "Analytics"
