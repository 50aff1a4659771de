"""Background jobs: long work (an import, a CTDC export, the full statistics report) that runs
in the worker, not inside one HTTP request — and the record of how it ended.

Job records live on the ``jobs`` connection (``palermo/core/routers.py``), apart from the
data the job changes: so the organisation and the user are kept as ids, not foreign keys.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.core.fields import EncryptedJSONField, EncryptedTextField


class Job(models.Model):
    """One piece of long work: who started it, acting for which organisation, what kind of
    work, its progress while it runs, and its outcome (with the result file or report)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        INTERRUPTED = "interrupted", _("Interrupted (the process stopped)")

    FINISHED = frozenset({Status.DONE, Status.FAILED, Status.CANCELLED, Status.INTERRUPTED})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, help_text=_("What work: import, ctdc_export …"))
    title = models.CharField(max_length=200)
    work_kind = models.CharField(max_length=40, help_text=_(
        "The access kind of the work (case_exchange, release, statistics): who may see the "
        "job and fetch its result"))
    work_action = models.CharField(max_length=10, default="create")
    organisation_id = models.BigIntegerField(db_index=True)
    user_id = models.BigIntegerField(db_index=True)
    channel = models.CharField(max_length=10, default="web")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancelled_by_id = models.BigIntegerField(null=True, blank=True)
    message = models.TextField(blank=True, help_text=_(
        "How it ended, in words safe to show: never a value from the data"))
    params = EncryptedJSONField(null=True, blank=True)
    result = EncryptedJSONField(null=True, blank=True)
    result_file = EncryptedTextField(blank=True, help_text=_("The result file (base64)"))
    result_name = models.CharField(max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    access_kind = "job"
    access_owner = "organisation_id"
    access_author = "user_id"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.kind}, {self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int | None:
        """How far the current stage is, 0–100, or None when its size is unknown."""
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
