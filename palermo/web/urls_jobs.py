"""Pages of background jobs (names live in the web namespace), under /jobs/."""

from django.urls import path

from palermo.web.views import jobs

urlpatterns = [
    path("", jobs.job_list, name="job_list"),
    path("<uuid:pk>/", jobs.job_detail, name="job_detail"),
    path("<uuid:pk>/cancel/", jobs.job_cancel, name="job_cancel"),
    path("<uuid:pk>/result/", jobs.job_result, name="job_result"),
]
