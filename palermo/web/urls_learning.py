"""Pages of the learning module (names live in the web namespace), under /learning/."""

from django.urls import path

from palermo.web.views import lessons, library

urlpatterns = [
    path("library/", library.library_search, name="library_search"),
    path("library/new/", library.publication_form, name="publication_create"),
    path("library/import/", library.library_import, name="library_import"),
    path("library/export.<str:fmt>", library.library_export, name="library_export"),
    path("library/<int:pk>/", library.publication_detail, name="publication_detail"),
    path("library/<int:pk>/edit/", library.publication_form, name="publication_edit"),
    path("library/<int:pk>/file/", library.publication_file, name="publication_file"),
    path("lessons/", lessons.lesson_search, name="lesson_search"),
    path("lessons/new/", lessons.lesson_form, name="lesson_create"),
    path("lessons/digest/", lessons.lesson_digest, name="lesson_digest"),
    path("lessons/digest.xlsx", lessons.lesson_digest_xlsx, name="lesson_digest_xlsx"),
    path("lessons/<int:pk>/", lessons.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/edit/", lessons.lesson_form, name="lesson_edit"),
]
