"""Pages of the questionnaires module (names live in the web namespace)."""

from django.urls import path

from palermo.web.views import questionnaires, questionnaires_admin

urlpatterns: list = [
    path("", questionnaires.form_list, name="form_list"),
    path("manage/", questionnaires_admin.form_manage, name="form_manage"),
    path("versions/<int:pk>/", questionnaires_admin.form_version, name="form_version"),
    path("versions/<int:pk>/preview/", questionnaires_admin.form_preview, name="form_preview"),
    path("versions/<int:pk>/publish/", questionnaires_admin.form_publish, name="form_publish"),
    path("versions/<int:pk>/retire/", questionnaires_admin.form_retire, name="form_retire"),
    path("versions/<int:pk>/download/<str:fmt>/", questionnaires_admin.form_download,
         name="form_download"),
    path("versions/<int:pk>/start/", questionnaires.response_start, name="response_start"),
    path("versions/<int:pk>/respond/", questionnaires.form_respond, name="form_respond"),
    path("responses/", questionnaires.response_list, name="response_list"),
    path("responses/<int:pk>/", questionnaires.response_fill, name="response_fill"),
    path("responses/<int:pk>/view/", questionnaires.response_detail, name="response_detail"),
    path("responses/<int:pk>/change/", questionnaires.response_change,
         name="response_change"),
]

# Survey results and confidential-survey invitations (questionnaire_results.py)
from palermo.web.views import questionnaire_results  # noqa: E402

urlpatterns += [
    path("results/", questionnaire_results.results_list, name="survey_results"),
    path("results/<int:pk>/", questionnaire_results.results_detail,
         name="survey_results_detail"),
    path("results/<int:pk>/xlsx/", questionnaire_results.results_xlsx,
         name="survey_results_xlsx"),
    path("results/<int:pk>/invitations/", questionnaire_results.invitations,
         name="survey_invitations"),
    path("invitations/answer/", questionnaire_results.invitation_answer,
         name="invitation_answer"),
    path("invitations/<str:token>/", questionnaire_results.invitation_respond,
         name="invitation_respond"),
]
