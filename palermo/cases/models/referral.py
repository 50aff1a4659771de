"""Referrals between organisations (national referral mechanisms, 001 Nigeria)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.cases.models.assistance import Service
from palermo.core.fields import EncryptedTextField
from palermo.core.reference_data import htcds_choices

SHARED = ("accepted", "completed")


class Referral(models.Model):
    """A case referred to another organisation: sent → accepted / declined → completed.

    The receiving organisation sees the referral itself (what is asked, by whom). It sees the
    case and the person only once it has accepted **and** the person has consented to sharing
    with it (``shares_identity``, kept up to date with consent by ``cases.referrals``).
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                          related_name="+", editable=False)
    to_organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("referred to"))
    requested_services = models.JSONField(_("services requested"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=40,
                              choices=htcds_choices("cas_ReasonForOutgoingReferral"))
    details = EncryptedTextField(_("details"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", editable=False)
    sent_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(_("reason for the decision"), blank=True)
    shares_identity = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords()

    access_kind = "identity"
    access_owner = "from_organisation"
    access_shared = ("to_organisation", {})

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_organisation} ({self.get_status_display()})"

    def clean(self) -> None:
        errors = {}
        if self.to_organisation_id and self.to_organisation_id == self.from_organisation_id:
            errors["to_organisation"] = _("A case cannot be referred to its own organisation.")
        known = set(Service.Type.values)
        wrong = [s for s in self.requested_services or [] if s not in known]
        if wrong:
            errors["requested_services"] = _("Not a service: %(values)s") % {
                "values": ", ".join(map(str, wrong))}
        if self.status == self.Status.DECLINED and not self.decision_reason.strip():
            errors["decision_reason"] = _("Say why the referral is declined.")
        if errors:
            raise ValidationError(errors)
