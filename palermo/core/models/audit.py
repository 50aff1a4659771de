"""The access log: who opened which sensitive record, when, on behalf of which organisation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """One opening of a sensitive record. Append-only: never edited, never deleted by the app."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web page")
        API = "api", _("API")
        EXPORT = "export", _("Export")
        CLI = "cli", _("Command line")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+", null=True)
    role = models.CharField(max_length=20, blank=True)
    record_type = models.CharField(max_length=60, help_text=_("app_label.model"))
    record_id = models.CharField(max_length=40)
    owner = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                              null=True, help_text=_("Organisation that owns the record"))
    action = models.CharField(max_length=20, default="view")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    detail = models.CharField(max_length=200, blank=True,
                              help_text=_("Why, for actions that need a reason (erasure)"))

    access_kind = "access_log"
    access_owner = "owner"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return (f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} "
                f"{self.record_type}#{self.record_id}")
