"""The exchange's long work as background jobs: checking and importing a file, and the CTDC
release. Pages and the API start them here; the worker runs them; the command line runs the
same bodies in its own process (``core.jobs.run_here``).

The uploaded file is kept encrypted in its :class:`ImportBatch` (never in the task queue,
whose arguments are plain JSON): a job is handed ids only.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from palermo.core import jobs
from palermo.core.jobs import JobRefused, Outcome, Progress
from palermo.core.models import Job, Membership
from palermo.exchange import ctdc, htcds, importing, template
from palermo.exchange.models import ImportBatch

LAYOUTS = {"htcds": htcds.LAYOUT, "template": template.LAYOUT}
KINDS = {"import_check": gettext_lazy("Check of an import file"),
         "import": gettext_lazy("Import of cases"), "ctdc_export": gettext_lazy("CTDC release")}


# -- checking and importing a file -----------------------------------------------------------

def _keep(membership: Membership, content: bytes, filename: str, layout: str,
          date_order: str | None, channel: str, status: str) -> ImportBatch:
    return ImportBatch.objects.create(
        organisation=membership.organisation, user=membership.user, layout=layout,
        filename=filename, sha256=hashlib.sha256(content).hexdigest(), status=status,
        date_order=date_order or "", channel=channel,
        content=base64.b64encode(content).decode("ascii"))


def start_check(membership: Membership, content: bytes, filename: str, layout: str, *,
                date_order: str | None = None, channel: str = "web") -> Job:
    """Keep an uploaded file (encrypted) and queue its check: the page's first step."""
    importing.require_import(membership)
    batch = _keep(membership, content, filename, layout, date_order, channel,
                  ImportBatch.Status.CHECKING)
    return _queue(membership, batch, "import_check", check_task, {"batch": batch.pk},
                  channel)


def start_import(membership: Membership, batch: ImportBatch, *, quarantine: bool = False,
                 channel: str = "web") -> Job:
    """Queue the import of a checked file (only by the member who checked it, once)."""
    importing.require_import(membership)
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status=ImportBatch.Status.CHECKED, user_id=membership.user_id,
        channel="web").update(status=ImportBatch.Status.QUEUED)
    if not claimed:
        raise ValidationError(_("This file was already imported or is not yours to confirm."))
    return _queue(membership, batch, "import", import_task,
                  {"batch": batch.pk, "quarantine": quarantine}, channel)


def start_upload(membership: Membership, content: bytes, filename: str, layout: str, *,
                 dry_run: bool, quarantine: bool = False, date_order: str | None = None,
                 channel: str = "api") -> Job:
    """Keep a file and queue its check (*dry_run*) or its import in one step (the API)."""
    batch, kind, params = _upload(membership, content, filename, layout, dry_run,
                                  quarantine, date_order, channel)
    return _queue(membership, batch, kind, TASKS[kind], params, channel)


def run_upload_here(membership: Membership, content: bytes, filename: str, layout: str, *,
                    dry_run: bool, quarantine: bool = False, date_order: str | None = None,
                    channel: str = "api") -> importing.ImportReport:
    """The same job as :func:`start_upload`, run in this process (a small file through
    the API): returns its report."""
    batch, kind, params = _upload(membership, content, filename, layout, dry_run,
                                  quarantine, date_order, channel)
    job = jobs.run_now(_record(membership, batch, kind, params, channel), BODIES[kind])
    if job.status != Job.Status.DONE:
        raise RuntimeError(job.message)
    return importing.ImportReport.from_dict(job.result["report"])


def _upload(membership, content, filename, layout, dry_run, quarantine, date_order, channel):
    importing.require_import(membership)
    batch = _keep(membership, content, filename, layout, date_order, channel,
                  ImportBatch.Status.CHECKING if dry_run else ImportBatch.Status.QUEUED)
    kind = "import_check" if dry_run else "import"
    return batch, kind, {"batch": batch.pk, "quarantine": quarantine}


def _record(membership, batch: ImportBatch, kind: str, params: dict, channel: str) -> Job:
    job = jobs.record(membership, kind=kind, title=str(KINDS[kind]),
                      work_kind="case_exchange", params=params, channel=channel)
    ImportBatch.objects.filter(pk=batch.pk).update(job_id=job.pk)
    return job


def _queue(membership, batch: ImportBatch, kind: str, body_task, params: dict,
           channel: str) -> Job:
    return jobs.enqueue(_record(membership, batch, kind, params, channel), body_task)


def _batch(job: Job) -> ImportBatch:
    return ImportBatch.objects.get(pk=job.params["batch"])


def check_body(job: Job, progress: Progress) -> Outcome:
    """Check the file kept in the job's batch."""
    batch = _batch(job)
    try:
        report = importing.check_batch(jobs.starter(job), batch, LAYOUTS[batch.layout],
                                       progress=progress)
    except jobs.JobCancelled:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.CANCELLED, content="", finished_at=timezone.now())
        raise jobs.JobCancelled(_("Cancelled: the check stopped; nothing was imported.")) \
            from None
    if batch.channel != "web":  # only the page confirms a checked file: keep it no longer
        ImportBatch.objects.filter(pk=batch.pk).update(content="")
    return Outcome(report.summary(), {"batch": batch.pk, "report": report.as_dict()})


def import_body(job: Job, progress: Progress) -> Outcome:
    """Import the file kept in the job's batch (all or nothing, see ``importing``)."""
    batch = _batch(job)
    try:
        report = importing.import_batch(jobs.starter(job), batch, LAYOUTS[batch.layout],
                                        quarantine=job.params.get("quarantine", False),
                                        progress=progress, job_id=job.pk)
    except jobs.JobCancelled:
        raise jobs.JobCancelled(_(
            "Cancelled: the import stopped and was rolled back; nothing was imported.")) \
            from None
    return Outcome(report.summary(), {"batch": batch.pk, "report": report.as_dict()})


@task()
def check_task(job_id: str) -> dict:
    """The worker's side of :func:`start_check`."""
    return jobs.execute(job_id, check_body)


@task()
def import_task(job_id: str) -> dict:
    """The worker's side of :func:`start_import` and :func:`start_upload`."""
    return jobs.execute(job_id, import_body)


BODIES = {"import_check": check_body, "import": import_body}
TASKS = {"import_check": check_task, "import": import_task}


# -- batches whose job died ----------------------------------------------------------------

def interrupted(batches: list[ImportBatch]) -> set[int]:
    """The ids of the *batches* still marked as going (checking, queued, running) whose
    job is no longer alive: the process died. A batch without a job (an import called from
    Python) counts as interrupted a day after it started."""
    going = [b for b in batches if b.status in ImportBatch.ACTIVE]
    found = {j.pk: j for j in Job.objects.filter(pk__in=[b.job_id for b in going
                                                         if b.job_id])}
    day_ago = timezone.now() - timedelta(days=1)
    return {b.pk for b in going
            if (not jobs.is_alive(found.get(b.job_id)) if b.job_id else b.created_at < day_ago)}


def with_outcome(batches: QuerySet) -> list[ImportBatch]:
    """The batches, each with ``outcome``: its status, or *interrupted* when its job died
    (what the list of imports shows before the worker records it)."""
    listed = list(batches)
    dead = interrupted(listed)
    for batch in listed:
        batch.outcome = ImportBatch.Status.INTERRUPTED if batch.pk in dead else \
            ImportBatch.Status(batch.status)
    return listed


def mark_interrupted() -> int:
    """Record as interrupted the batches whose job died (the worker does this when it
    starts): nothing of their rows was written — their transaction never committed."""
    dead = interrupted(list(ImportBatch.objects.filter(status__in=ImportBatch.ACTIVE)
                            .defer("content", "report")))
    if not dead:
        return 0
    return ImportBatch.objects.filter(pk__in=dead, status__in=ImportBatch.ACTIVE).update(
        status=ImportBatch.Status.INTERRUPTED, content="", finished_at=timezone.now())


# -- the CTDC release ------------------------------------------------------------------------

def start_ctdc(membership: Membership, *, method: str, epsilon: float, k: int,
               reporting_length: int = 3, channel: str = "web") -> Job:
    """Queue a CTDC release (synthetic or k-anonymised) of the facts the member may
    release; its CSV is the job's result file."""
    return jobs.start(membership, task=ctdc_task, kind="ctdc_export",
                      title=str(KINDS["ctdc_export"]), work_kind="release",
                      params={"method": method, "epsilon": epsilon, "k": k,
                              "reporting_length": reporting_length},
                      channel=channel)


def ctdc_body(job: Job, progress: Progress) -> Outcome:
    """Build and log the release (``ctdc.export``); the CSV becomes the result file."""
    from palermo.disclosure import BudgetExhausted, ReleaseRefused

    p = job.params
    membership = jobs.starter(job)
    progress("release", 0, 1)
    try:
        release = ctdc.export(membership, method=p["method"], epsilon=p["epsilon"], k=p["k"],
                              reporting_length=p.get("reporting_length", 3),
                              channel=job.channel)
    except (BudgetExhausted, ReleaseRefused) as exc:
        raise JobRefused(str(exc)) from None
    progress("release", 1, 1)
    return Outcome(_("%(rows)d rows (%(method)s); release #%(release)s logged.") % {
        "rows": len(release.data), "method": release.method, "release": release.release_id},
        {"rows": len(release.data), "method": release.method, "release": release.release_id,
         "notes": list(release.notes)},
        file=release.csv(), file_name=f"ctdc-{release.method}.csv",
        file_type="text/csv; charset=utf-8")


@task()
def ctdc_task(job_id: str) -> dict:
    """The worker's side of :func:`start_ctdc`."""
    return jobs.execute(job_id, ctdc_body)

