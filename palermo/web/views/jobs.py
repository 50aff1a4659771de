"""Pages of background jobs: the list, one job's progress (htmx polls it; without JavaScript
the page refreshes itself), cancelling, and the result file. Thin: who may see or cancel
what is ``core.access.visible_jobs``; what a job does is ``core.jobs``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from palermo.core import access, jobs
from palermo.core.access import Action
from palermo.core.models import Job, User
from palermo.web.views import exchange

# What a finished job shows below its status, by kind of work (the import report …).
RESULT_CONTEXTS = {"import_check": exchange.check_result, "import": exchange.import_result}


def passive(view):
    """Mark a view whose automatic re-polling is not activity: the session is neither
    refreshed nor written (a polling page must not keep a session alive, nor wait for a
    database that a running import holds)."""
    def wrapped(request, *args, **kwargs):
        request.passive = bool(request.htmx) or "refresh" in request.GET
        return view(request, *args, **kwargs)
    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def _job(request, pk, action: Action = Action.VIEW) -> Job:
    return access.get_visible_job(request.membership, Job.objects.all(), action, pk=pk)


@login_required
def job_list(request):
    """The jobs this member may follow: their own, and (supervisors) their organisation's."""
    if not access.reaches(request.membership, "job", Action.VIEW, Action.CREATE):
        raise PermissionDenied
    jobs.mark_interrupted()
    listed = list(access.visible_jobs(request.membership, Job.objects.all())[:50])
    starters = dict(User.objects.filter(pk__in={j.user_id for j in listed})
                    .values_list("pk", "username"))
    for job in listed:
        job.starter = starters.get(job.user_id, "")
    return render(request, "web/jobs/list.html", {"jobs": listed})


@login_required
@passive
def job_detail(request, pk):
    """One job: its progress while it runs, how it ended, and its result."""
    job = _job(request, pk)
    if not job.finished and not jobs.is_alive(job):
        jobs.mark_interrupted()
        job.refresh_from_db()
    context = {"job": job, "starter": User.objects.filter(pk=job.user_id).first(),
               "may_cancel": not job.finished and access.visible_jobs(
                   request.membership, Job.objects.filter(pk=job.pk), Action.CHANGE).exists()}
    if job.status == Job.Status.DONE and job.kind in RESULT_CONTEXTS:
        context.update(RESULT_CONTEXTS[job.kind](request, job))
    template = "web/jobs/_status.html" if request.htmx else "web/jobs/detail.html"
    return render(request, template, context)


@login_required
@require_POST
def job_cancel(request, pk):
    """Ask the job to stop: at once if it waits, at its next chunk if it runs."""
    jobs.request_cancel(request.membership, _job(request, pk, Action.CHANGE))
    return redirect("web:job_detail", pk=pk)


@login_required
def job_result(request, pk):
    """The job's result file (only to those who may follow the job, i.e. could have done
    the work themselves)."""
    return jobs.result_response(_job(request, pk), inline_html=True)
