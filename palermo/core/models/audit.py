"""The access log: who opened which sensitive record, when, on behalf of which organisation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.core.models.people import Role


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


class AccountEvent(models.Model):
    """One change to who may use Palermo: a role granted, confirmed, refused or taken away,
    a password reset sent or completed. Append-only: saving an existing event or deleting
    one raises. It names users and organisations by key only, never a name or an address;
    an event that concerns a user rather than one membership (a password reset) is written
    once per organisation the user works for, so each organisation's supervisors see it."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("Role granted")
        CONFIRMED = "confirmed", _("Grant confirmed")
        REFUSED = "refused", _("Grant refused")
        DENIED = "denied", _("Confirmation not allowed")
        RECONFIRM = "reconfirm", _("Confirmation needed again")
        DEACTIVATED = "deactivated", _("Membership deactivated")
        RESET_SENT = "reset_sent", _("Password reset sent")
        RESET_DONE = "reset_done", _("Password reset; two-factor devices removed")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", null=True,
                              help_text=_("Empty for the command line"))
    actor_role = models.CharField(max_length=20, blank=True, choices=Role.choices)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", help_text=_("Whose access changed"))
    membership = models.ForeignKey("core.Membership", on_delete=models.PROTECT,
                                   related_name="events", null=True)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+", null=True)
    role = models.CharField(max_length=20, blank=True, choices=Role.choices)
    channel = models.CharField(max_length=10, choices=AccessLog.Channel.choices,
                               default=AccessLog.Channel.WEB)
    detail = models.CharField(max_length=200, blank=True)

    # Who reads the account events: the same people as the access log.
    access_kind = "access_log"
    access_owner = "organisation"

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} · {self.subject}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Account events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Account events are append-only.")
