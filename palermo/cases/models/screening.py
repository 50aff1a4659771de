"""A screening decision: what the interview found, what Palermo recommended, what the
caseworker decided, and the supervisor's approval."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.cases.eligibility import Outcome
from palermo.core.fields import EncryptedTextField

OUTCOMES = [(Outcome.PRESUMED_VICTIM.value, _("Presumed victim of trafficking")),
            (Outcome.POSSIBLE_VICTIM.value, _("Possible victim, needs further assessment")),
            (Outcome.OTHER_MIGRANT_IN_NEED.value, _("Not a victim: other migrant in need"))]


class Screening(models.Model):
    class Approval(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for review")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screenings")
    answers = models.JSONField(_("answers"), help_text=_("indicator -> yes/no/unknown/declined"))
    age = models.PositiveSmallIntegerField(_("age at the events"), null=True, blank=True)
    age_declined = models.BooleanField(_("declined to give age"), default=False)
    recommendation = models.CharField(_("recommendation"), max_length=30, choices=OUTCOMES,
                                      editable=False)
    reasons = models.JSONField(_("reasons"), default=list, editable=False)
    decision = models.CharField(_("decision"), max_length=30, choices=OUTCOMES)
    differing_reason = EncryptedTextField(
        _("why the decision differs from the recommendation"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    decided_at = models.DateTimeField(auto_now_add=True)
    approval = models.CharField(_("approval"), max_length=10, choices=Approval.choices,
                                default=Approval.PENDING)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_comment = EncryptedTextField(_("supervisor's comment"), blank=True)
    history = HistoricalRecords()

    access_kind = "identity"
    access_owner = "case__organisation"

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_decision_display()} ({self.get_approval_display()})"

    def clean(self) -> None:
        if (self.decision and self.recommendation and self.decision != self.recommendation
                and not self.differing_reason.strip()):
            raise ValidationError({"differing_reason": _(
                "The decision differs from the recommendation: say why.")})
        if self.approval == self.Approval.RETURNED and not self.approval_comment.strip():
            raise ValidationError({"approval_comment": _(
                "Say what should be reviewed.")})
