from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "palermo.exchange"
    label = "exchange"
    verbose_name = "Exchange"
