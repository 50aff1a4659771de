"""Long work as background jobs: queued from a page or the API, run by the worker
(``palermo db_worker``, started by ``palermo serve``), followed on a page, cancellable, and
recorded with how it ended.

A kind of work is a django-tasks task that hands its job's id to :func:`execute` with the
body of the work::

    @task()
    def import_task(job_id: str) -> None:
        jobs.execute(job_id, _import_body)

    job = jobs.start(membership, kind="import", title=…, work_kind="case_exchange",
                     task=import_task, params={…})

The body gets the :class:`Job` and a :class:`Progress` — the one progress callback that the
page, the API and the command line's progress bar are fed by. Between chunks of work it
records how far the job is, beats the heartbeat and, when someone asked to cancel, raises
:class:`JobCancelled` (cancelling is cooperative: the work stops at its next chunk and rolls
back what it had not committed). The command line runs the same body in its own process
(:func:`run_here`), recorded as a job too.

A job's record says who started it, acting for which organisation, when it started and
ended, and its outcome — done, failed (with a message safe to show: never a value from the
data), cancelled, or interrupted: its process died (killed, out of memory, restarted) and
its heartbeat went silent (:func:`mark_interrupted`).
"""

from __future__ import annotations

import base64
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connections
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action, Scope
from palermo.core.models import Job, Membership

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0  # how often a running job says it is alive
PROGRESS_SECONDS = 1.0  # how often its progress is written (and its cancel flag read)


def interrupted_message() -> str:
    """What an interrupted job says (translated when used)."""
    return _("Interrupted: the process running it stopped (killed, out of memory or "
             "restarted). Nothing that was not finished was kept.")


class JobCancelled(Exception):
    """Raised between chunks of work once someone asked the job to stop."""


class JobRefused(Exception):
    """The work cannot be done, for a reason safe to show (a spent privacy budget …)."""


class JobFailed(Exception):
    """What the task queue records of a job that failed: its message, no traceback of the
    work (which could carry a value from the data)."""


@dataclass
class Outcome:
    """What a job's body hands back: a message, a result (shown on the job's page and
    answered by the API) and an optional result file."""

    message: str = ""
    result: dict = field(default_factory=dict)
    file: bytes | None = None
    file_name: str = ""
    file_type: str = ""


Body = Callable[[Job, "Progress"], Outcome]


class Progress:
    """The progress callback of one job: ``progress(stage, done, total)``.

    Writes the job's progress at most every second, and raises :class:`JobCancelled` when
    the job was asked to stop; *display* (the command line's progress bar) sees every call.
    """

    def __init__(self, job: Job, display: Callable[[str, int, int], None] | None = None):
        self.job = job
        self.display = display
        self.cancelled = threading.Event()  # also set by the heartbeat
        self._stage = ""
        self._written = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.display is not None:
            self.display(stage, done, total)
        now = time.monotonic()
        if stage != self._stage or done >= total or now - self._written >= PROGRESS_SECONDS:
            self._stage, self._written = stage, now
            try:
                Job.objects.filter(pk=self.job.pk).update(
                    stage=stage, done=done, total=total, heartbeat_at=timezone.now())
                if _cancel_requested(self.job.pk):
                    self.cancelled.set()
            except OperationalError:  # the jobs database busy: report at the next chunk
                self._written = 0.0
        self.check()

    def check(self) -> None:
        """Raise :class:`JobCancelled` if the job was asked to stop (call between steps)."""
        if self.cancelled.is_set():
            raise JobCancelled


def _cancel_requested(job_id) -> bool:
    return Job.objects.filter(pk=job_id, cancel_requested_at__isnull=False).exists()


class _Heartbeat:
    """A thread that beats the job's heartbeat — even through long steps that report no
    progress — and watches its cancel flag, on a database connection of its own."""

    def __init__(self, job: Job, progress: Progress):
        self.job, self.progress = job, progress
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{job.pk}",
                                       daemon=True)

    def _run(self) -> None:
        try:
            while not self.stop.wait(HEARTBEAT_SECONDS):
                Job.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now())
                if _cancel_requested(self.job.pk):
                    self.progress.cancelled.set()
        except Exception as exc:  # the work goes on; a silent heartbeat shows it at worst
            logger.warning("Heartbeat of job %s stopped: %s", self.job.pk, type(exc).__name__)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        return False


def _may_start(membership: Membership | None, work_kind: str, work_action: Action) -> bool:
    return (access.scope(membership, Action.CREATE, "job") is not Scope.NONE
            and access.scope(membership, work_action, work_kind) is not Scope.NONE)


def record(membership: Membership, *, kind: str, title: str, work_kind: str,
           work_action: Action = Action.CREATE, params: dict | None = None,
           channel: str = "web") -> Job:
    """A new job record (queued) for *membership*; ``PermissionDenied`` unless the member
    may do this work."""
    if not _may_start(membership, work_kind, work_action):
        raise PermissionDenied
    return Job.objects.create(
        kind=kind, title=title, work_kind=work_kind, work_action=work_action.value,
        organisation_id=membership.organisation_id, user_id=membership.user_id,
        channel=channel, params=params or {})


def start(membership: Membership, *, task, kind: str, title: str, work_kind: str,
          work_action: Action = Action.CREATE, params: dict | None = None,
          channel: str = "web") -> Job:
    """Record a job and queue *task* (a django-tasks task taking the job's id) for the
    worker. Returns the job (already finished when the task backend runs tasks at once)."""
    return enqueue(record(membership, kind=kind, title=title, work_kind=work_kind,
                          work_action=work_action, params=params, channel=channel), task)


def enqueue(job: Job, task) -> Job:
    """Queue a recorded *job* for the worker: *task* is handed the job's id."""
    result = task.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def run_here(membership: Membership, body: Body, *, kind: str, title: str, work_kind: str,
             work_action: Action = Action.CREATE, params: dict | None = None,
             channel: str = "cli", display: Callable[[str, int, int], None] | None = None
             ) -> Job:
    """Record a job and run *body* in this process (the command line), with *display* fed
    by the same progress callback as the page. Returns the finished job."""
    job = record(membership, kind=kind, title=title, work_kind=work_kind,
                 work_action=work_action, params=params, channel=channel)
    return run_now(job, body, display)


def run_now(job: Job, body: Body, display: Callable[[str, int, int], None] | None = None
            ) -> Job:
    """Run a recorded job's *body* in this process, as the worker would. Returns the
    finished job (a failure is recorded, not raised)."""
    return _run(job, body, display, raise_failure=False)


def execute(job_id: str, body: Body) -> dict:
    """Run a queued job's *body* (what a job's task does). A job cancelled before it
    started is not run. A failure is recorded with a safe message and raised as
    :class:`JobFailed` carrying that message only."""
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return {"status": job.status}
    job = _run(job, body, None, raise_failure=True)
    return {"status": job.status}


def _run(job: Job, body: Body, display, *, raise_failure: bool) -> Job:
    if job.cancel_requested_at is not None:
        return _finish(job, Job.Status.CANCELLED, Outcome(_("Cancelled before it started.")))
    now = timezone.now()
    job.status, job.started_at, job.heartbeat_at = Job.Status.RUNNING, now, now
    job.save(update_fields=["status", "started_at", "heartbeat_at"])
    progress = Progress(job, display)
    try:
        with _Heartbeat(job, progress):
            outcome = body(job, progress)
    except JobCancelled as exc:
        return _finish(job, Job.Status.CANCELLED, Outcome(str(exc) or _(
            "Cancelled: the work stopped and nothing of it was kept.")))
    except JobRefused as exc:
        return _finish(job, Job.Status.FAILED, Outcome(str(exc)))
    except PermissionDenied:  # the starter's rights changed since
        return _finish(job, Job.Status.FAILED, Outcome(_(
            "Refused: the member who started this job may no longer do this work.")))
    except Exception as exc:
        # The stack, not the message: an error's text may quote a value from the data.
        logger.error("Job %s (%s) failed with %s:\n%s", job.pk, job.kind,
                     type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        message = _("The work failed because of an error in Palermo (%(error)s); the "
                    "server's log has the details of job %(job)s.") % {
            "error": type(exc).__name__, "job": job.pk}
        job = _finish(job, Job.Status.FAILED, Outcome(message))
        if raise_failure:
            raise JobFailed(message) from None
        return job
    except BaseException:  # the process is made to stop (Ctrl+C, the worker told twice)
        _finish(job, Job.Status.INTERRUPTED, Outcome(interrupted_message()))
        raise
    return _finish(job, Job.Status.DONE, outcome)


def _finish(job: Job, status: str, outcome: Outcome) -> Job:
    job.status, job.finished_at = status, timezone.now()
    job.message, job.result = outcome.message, outcome.result
    if outcome.file is not None:
        job.result_file = base64.b64encode(outcome.file).decode("ascii")
        job.result_name, job.result_type = outcome.file_name, outcome.file_type
    job.save(update_fields=["status", "finished_at", "message", "result", "result_file",
                            "result_name", "result_type"])
    job.refresh_from_db()  # with the progress written meanwhile
    return job


def starter(job: Job) -> Membership:
    """The membership the job's starter acted with — still active, else the job is
    refused: work runs with the rights its starter has when it runs."""
    membership = Membership.objects.filter(
        user_id=job.user_id, organisation_id=job.organisation_id, active=True,
        user__is_active=True, organisation__active=True,
    ).select_related("user", "organisation").first()
    if membership is None:
        raise JobRefused(_("The member who started this job no longer works for the "
                           "organisation."))
    return membership


def result_file(job: Job) -> bytes | None:
    """The job's result file, decrypted, or None."""
    return base64.b64decode(job.result_file) if job.result_file else None


def result_response(job: Job, *, inline_html: bool = False) -> HttpResponse:
    """The finished job's result file as a download (an HTML report shown in the browser
    when *inline_html*); ``Http404`` while there is none."""
    content = result_file(job) if job.status == Job.Status.DONE else None
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=job.result_type or
                            "application/octet-stream")
    shown = "inline" if inline_html and job.result_type.startswith("text/html") \
        else "attachment"
    response["Content-Disposition"] = f'{shown}; filename="{job.result_name}"'
    return response


def request_cancel(membership: Membership, job: Job) -> Job:
    """Ask *job* to stop (the starter, or a supervisor of its organisation). A queued job
    is cancelled at once; a running one stops at its next chunk. ``PermissionDenied``
    or ``Http404`` as :func:`access.get_visible_job` decides."""
    job = access.get_visible_job(membership, Job.objects.all(), Action.CHANGE, pk=job.pk)
    now = timezone.now()
    Job.objects.filter(pk=job.pk, cancel_requested_at__isnull=True).update(
        cancel_requested_at=now, cancelled_by_id=membership.user_id)
    Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.CANCELLED, finished_at=now,
        message=_("Cancelled before it started."))
    job.refresh_from_db()
    return job


def stale_before():
    """Running jobs whose heartbeat is older than this have lost their process."""
    return timezone.now() - timedelta(seconds=settings.PALERMO_JOB_STALE_SECONDS)


def is_alive(job: Job | None) -> bool:
    """Is this job still going (queued, or running with a recent heartbeat)?"""
    if job is None or job.finished:
        return False
    if job.status == Job.Status.QUEUED:
        return True
    return job.heartbeat_at is not None and job.heartbeat_at >= stale_before()


def mark_interrupted() -> int:
    """Record as interrupted the running jobs whose heartbeat went silent (their process
    died). Called when the worker starts and by the pages that list jobs."""
    return Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=stale_before()
                              ).update(status=Job.Status.INTERRUPTED,
                                       finished_at=timezone.now(),
                                       message=interrupted_message())
