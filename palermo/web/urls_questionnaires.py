"""Pages of the questionnaires module (names live in the web namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
