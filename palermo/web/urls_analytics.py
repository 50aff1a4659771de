"""Pages of the analytics module (names live in the web namespace), under /reports/."""

from django.urls import path

from palermo.web.views import analytics

urlpatterns = [
    path("", analytics.index, name="analytics_index"),
    path("print/", analytics.report, name="analytics_report"),
    path("<slug:key>/", analytics.table, name="analytics_table"),
    path("<slug:key>/print/", analytics.report, name="analytics_table_report"),
    path("<slug:key>/export.<str:fmt>", analytics.export, name="analytics_export"),
]
