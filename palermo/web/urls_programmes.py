"""Pages of the programmes module (names live in the web namespace), under /programmes/."""

from django.urls import path

from palermo.web.views import programmes, programmes_imports, programmes_register

urlpatterns = [
    path("", programmes.portfolio, name="portfolio"),
    path("portfolio.<str:fmt>", programmes.portfolio_file, name="portfolio_file"),
    path("new/", programmes.project_create, name="project_create"),
    path("<int:pk>/", programmes.project_detail, name="project_detail"),
    path("<int:pk>/edit/", programmes.project_edit, name="project_edit"),
    path("<int:pk>/history/", programmes.project_history, name="project_history"),
    path("<int:pk>/iati.xml", programmes.project_iati, name="project_iati"),
    path("<int:pk>/parts/<str:part>/", programmes.project_part, name="project_part"),
    path("<int:pk>/participations/<int:participation_id>/remove/",
         programmes.participation_remove, name="participation_remove"),
    path("import/", programmes_imports.import_page, name="portfolio_import"),
    path("import/<int:pk>/", programmes_imports.import_detail, name="portfolio_import_detail"),
    path("import/<int:pk>/accept/", programmes_imports.import_accept,
         name="portfolio_import_accept"),
    path("partners/", programmes_register.partner_register, name="partner_register"),
    path("setup/", programmes_register.portfolio_setup, name="portfolio_setup"),
]
