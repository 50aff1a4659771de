"""The printable report of every statistics table as a background job: with many cases,
counting and protecting every table takes longer than a page may wait. The report is made
with the starter's rights (filters, real or protected counts) and kept, encrypted, as the
job's result; only those who may read statistics of that organisation open it."""

from __future__ import annotations

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from palermo.analytics import publication
from palermo.analytics.exports import log_view
from palermo.analytics.filtering import form_for, published_tables
from palermo.analytics.outputs import report_html
from palermo.analytics.specs import shipped_specs
from palermo.core import jobs
from palermo.core.access import Action
from palermo.core.models import Job, Membership

TITLE = gettext_lazy("Statistics report of all tables")


def start_report(membership: Membership, query: str) -> Job:
    """Queue the report of every table with the filters of *query* (the page's GET)."""
    publication.reader_scope(membership)  # PermissionDenied for roles without statistics
    return jobs.start(membership, task=report_task, kind="statistics_report",
                      title=str(TITLE), work_kind="statistics", work_action=Action.VIEW,
                      params={"query": query})


def report_body(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    """Count, protect and render every table as the starter may see them."""
    membership = jobs.starter(job)
    scope_orgs = publication.reader_scope(membership)
    specs = list(shipped_specs().values())
    query = QueryDict(job.params.get("query", ""))
    form = form_for(query or None, membership, scope_orgs)
    progress("tables", 0, len(specs))
    published = published_tables(specs, form, scope_orgs)
    if published is None:
        raise jobs.JobRefused(_("The filters are not valid: open the report page again."))
    log_view(published, membership=membership)
    progress("tables", len(specs), len(specs))
    report = report_html(published, back_url=reverse("web:analytics_index"))
    return jobs.Outcome(_("The report of %(n)d tables is ready.") % {"n": len(published)},
                        {"tables": len(published)}, file=report.encode(),
                        file_name="palermo-statistics-report.html",
                        file_type="text/html; charset=utf-8")


@task()
def report_task(job_id: str) -> dict:
    """The worker's side of :func:`start_report`."""
    return jobs.execute(job_id, report_body)
