"""Exchange records: import batches and their quarantined rows, core-indicator submissions.

Imported files hold identity data: what is kept of them (the uploaded file until it is
confirmed, the rows put in quarantine, the per-row report, even the file name) is encrypted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.core.fields import EncryptedJSONField, EncryptedTextField


class ImportBatch(models.Model):
    """One import of a file (HTCDS or the Palermo case template), from check to result.

    The record is written when the import starts, in a transaction of its own (status
    *running*), and marked when it ends — in the same transaction as the imported rows — as
    imported, refused or cancelled. An import whose process died leaves its batch *running*
    with a silent job: it is shown, then recorded, as *interrupted* (``exchange.batches``).
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Waiting to be imported")
        RUNNING = "running", _("Importing")
        IMPORTED = "imported", _("Imported")
        QUARANTINED = "quarantined", _("Imported, bad rows in quarantine")
        REFUSED = "refused", _("Refused: nothing imported")
        CANCELLED = "cancelled", _("Cancelled: nothing imported")
        INTERRUPTED = "interrupted", _("Interrupted: nothing imported")

    ACTIVE = frozenset({Status.CHECKING, Status.QUEUED, Status.RUNNING})

    class Layout(models.TextChoices):
        HTCDS = "htcds", _("HTCDS spreadsheet")
        TEMPLATE = "template", _("Palermo case template")

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    layout = models.CharField(max_length=10, choices=Layout.choices)
    filename = EncryptedTextField(_("file name"), blank=True)
    sha256 = models.CharField(max_length=64, help_text=_("Hash of the file as received"))
    status = models.CharField(max_length=12, choices=Status.choices)
    date_order = models.CharField(max_length=3, blank=True)
    channel = models.CharField(max_length=10, default="web")
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    content = EncryptedTextField(blank=True,
                                 help_text=_("The checked file (base64) until confirmed"))
    report = EncryptedJSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    job_id = models.UUIDField(null=True, blank=True, help_text=_(
        "The job checking or importing the file (core.Job, on the jobs connection)"))

    access_kind = "case_exchange"
    access_owner = "organisation"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.layout}, {self.status})"


class QuarantinedRow(models.Model):
    """A row refused by an import run with quarantine: its values and problems, encrypted,
    kept for a supervisor to correct and import again."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="quarantine")
    row = models.PositiveIntegerField(help_text=_("Row number in the file"))
    data = EncryptedJSONField(help_text=_("{'values': {header: value}, 'problems': [...]}"))
    created_at = models.DateTimeField(auto_now_add=True)

    access_kind = "case_exchange"
    access_owner = "batch__organisation"

    class Meta:
        ordering = ["batch", "row"]

    def __str__(self) -> str:
        return f"quarantined row {self.row} of import {self.batch_id}"


class CoreIndicatorSubmission(models.Model):
    """Aggregate core indicators sent by an organisation without a case system."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, default="web")
    note = models.CharField(max_length=200, blank=True)

    access_kind = "core_indicators"
    access_owner = "organisation"

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"core indicators {self.pk} of {self.organisation}"


class CoreIndicatorCount(models.Model):
    """Persons assisted in one period × sex × age band × exploitation type × citizenship.
    A later submission for the same organisation and cell replaces the earlier count."""

    submission = models.ForeignKey(CoreIndicatorSubmission, on_delete=models.CASCADE,
                                   related_name="counts")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    period = models.CharField(max_length=7, help_text=_("YYYY, YYYY-Qn or YYYY-MM"))
    sex = models.CharField(max_length=10)
    age_band = models.CharField(max_length=10)
    exploitation_type = models.CharField(max_length=40)
    citizenship = models.CharField(max_length=3, blank=True)
    persons = models.PositiveIntegerField()
    current = models.BooleanField(default=True, help_text=_("Not replaced by a later one"))

    access_kind = "core_indicators"
    access_owner = "organisation"

    class Meta:
        indexes = [models.Index(fields=["organisation", "period", "current"])]

    def __str__(self) -> str:
        return f"{self.period} {self.sex} {self.age_band} {self.exploitation_type}: " \
               f"{self.persons}"
