"""API endpoints of background jobs: thin — the access policy decides who may follow or
cancel a job (``core.access.visible_jobs``), ``core.jobs`` what it does.

* ``GET /api/jobs/{id}`` — status, progress, how it ended, its result (the import report …);
* ``POST /api/jobs/{id}/cancel`` — ask it to stop;
* ``GET /api/jobs/{id}/result`` — its result file (a CTDC release …).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Router, Schema

from palermo.api.schemas import Error
from palermo.core import access, jobs
from palermo.core.access import Action
from palermo.core.models import Job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    title: str
    status: str
    stage: str
    done: int
    total: int
    percent: int | None
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    cancel_requested: bool
    result: dict | None
    result_file: str | None
    url: str


def job_out(job: Job) -> dict:
    """What the API says of a job (its result only once it is done)."""
    done = job.status == Job.Status.DONE
    return {"id": job.pk, "kind": job.kind, "title": job.title, "status": job.status,
            "stage": job.stage, "done": job.done, "total": job.total, "percent": job.percent,
            "message": job.message, "created_at": job.created_at,
            "started_at": job.started_at, "finished_at": job.finished_at,
            "cancel_requested": job.cancel_requested_at is not None,
            "result": job.result if done else None,
            "result_file": f"/api/jobs/{job.pk}/result" if done and job.result_file else None,
            "url": f"/api/jobs/{job.pk}"}


def _job(request, job_id: uuid.UUID, action: Action = Action.VIEW) -> Job:
    return access.get_visible_job(request.membership, Job.objects.all(), action, pk=job_id)


@router.get("/{job_id}", response={200: JobOut, 403: Error, 404: Error})
def job_detail(request, job_id: uuid.UUID):
    """A job's status and progress; its result once done. The starter and supervisors of
    its organisation (for work they may do themselves)."""
    job = _job(request, job_id)
    if not job.finished and not jobs.is_alive(job):
        jobs.mark_interrupted()
        job.refresh_from_db()
    return job_out(job)


@router.post("/{job_id}/cancel", response={200: JobOut, 403: Error, 404: Error})
def job_cancel(request, job_id: uuid.UUID):
    """Ask the job to stop: a queued job is cancelled at once, a running one at its next
    chunk (an import is rolled back: nothing of it is written)."""
    return job_out(jobs.request_cancel(request.membership, _job(request, job_id,
                                                                Action.CHANGE)))


@router.get("/{job_id}/result", response={403: Error, 404: Error})
def job_result(request, job_id: uuid.UUID):
    """The job's result file, once done."""
    return jobs.result_response(_job(request, job_id))
