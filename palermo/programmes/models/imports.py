"""A portfolio import (a funding list or an IATI file): checked, reported, then accepted or
left. The file is kept until the report is accepted so that what is imported is exactly what
was checked. Funding lists and IATI files describe grants, never persons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PortfolioImport(models.Model):
    class Kind(models.TextChoices):
        FUNDING_LIST = "funding_list", _("Funding list")
        IATI = "iati", _("IATI activity file")

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, waiting for acceptance")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused: nothing imported")

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(blank=True, help_text=_("The checked file until accepted"))
    options = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    channel = models.CharField(max_length=10, default="web")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    access_kind = "portfolio_import"
    access_owner = "organisation"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.get_status_display()})"
