"""Palermo's URLs: the web pages, the administration site and the API."""

from django.urls import include, path

from palermo.api.api import api
from palermo.web.admin_site import admin_site

urlpatterns = [
    path("admin/", admin_site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("palermo.web.urls")),
]
