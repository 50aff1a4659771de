"""Pages of the exchange module (names live in the web namespace), under /exchange/."""

from django.urls import path

from palermo.web.views import exchange

urlpatterns = [
    path("import/", exchange.import_page, name="exchange_import"),
    path("import/<int:pk>/confirm/", exchange.import_confirm, name="exchange_import_confirm"),
    path("template.<str:fmt>", exchange.template_download, name="exchange_template"),
    path("export/", exchange.export_page, name="exchange_export"),
    path("export/ctdc-dictionary.md", exchange.ctdc_dictionary, name="exchange_ctdc_dictionary"),
    path("core-indicators/", exchange.indicators_page, name="exchange_indicators"),
]
