"""Return and reintegration (001 Norway L3495–3624): from expressed interest to a completed
reintegration plan, with the returnee's entitlement ledger."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.cases.answers import MultiChoiceField
from palermo.core.fields import EncryptedTextField

# The steps in order; a return moves forward one step at a time (or to unable_to_travel).
STEPS = ["interest", "registered", "safety_assessed", "hold_checked", "travelling",
         "arrived", "reintegrating", "completed"]


class Return(models.Model):
    """The return of the person of a case to their country."""

    class Step(models.TextChoices):
        INTEREST = "interest", _("Interest expressed")
        REGISTERED = "registered", _("Registered for return")
        SAFETY_ASSESSED = "safety_assessed", _("Safety assessed")
        HOLD_CHECKED = "hold_checked", _("Law-enforcement hold checked")
        TRAVELLING = "travelling", _("Travelling")
        ARRIVED = "arrived", _("Arrived")
        REINTEGRATING = "reintegrating", _("Reintegration plan in progress")
        COMPLETED = "completed", _("Completed")
        UNABLE = "unable_to_travel", _("Unable to travel")

    class Safety(models.TextChoices):
        SAFE = "safe", _("Safe to return")
        CONDITIONS = "conditions", _("Safe with conditions")
        UNSAFE = "unsafe", _("Not safe")

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="journey_home")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("country of return"))
    step = models.CharField(_("step"), max_length=20, choices=Step.choices,
                            default=Step.INTEREST)
    safety = models.CharField(_("safety assessment"), max_length=12, blank=True,
                              choices=Safety.choices)
    safety_assessed_by = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("assessed by (in the country of return)"))
    best_interests_done_on = models.DateField(
        _("best-interests determination (child)"), null=True, blank=True)
    guardian_involved = models.BooleanField(_("guardian involved"), default=False)
    child_protection_involved = models.BooleanField(_("child protection service involved"),
                                                    default=False)
    hold_cleared = models.BooleanField(
        _("no law-enforcement hold"), default=False,
        help_text=_("Police and prosecution do not need the person to stay (e.g. as witness)"))
    travel_on = models.DateField(_("travel date"), null=True, blank=True)
    arrived_on = models.DateField(_("arrival date"), null=True, blank=True)
    unable_reason = models.TextField(_("why the person cannot travel"), blank=True)
    budget = models.DecimalField(_("reintegration budget"), max_digits=12, decimal_places=2,
                                 default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    history = HistoricalRecords()

    access_kind = "identity"
    access_owner = "case__organisation"

    def __str__(self) -> str:
        return f"Return of {self.case} to {self.country}: {self.get_step_display()}"

    def disbursed(self) -> Decimal:
        return self.disbursements.aggregate(total=models.Sum("amount"))["total"] or Decimal("0")

    def balance(self) -> Decimal:
        return self.budget - self.disbursed()


class ReintegrationPlan(models.Model):
    """Objectives, types of support (HTCDS spl_Type), planned and actual end."""

    journey = models.OneToOneField(Return, on_delete=models.CASCADE, related_name="plan")
    objectives = EncryptedTextField(_("objectives"))
    types = MultiChoiceField(_("types of support"), choices_of="spl_Type")
    planned_end = models.DateField(_("planned end"))
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    history = HistoricalRecords()

    access_kind = "identity"
    access_owner = "journey__case__organisation"

    def __str__(self) -> str:
        return f"Plan for {self.journey.case}"


class ReintegrationAction(models.Model):
    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE,
                             related_name="actions")
    description = EncryptedTextField(_("action"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)

    access_kind = "identity"
    access_owner = "plan__journey__case__organisation"

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Action of {self.plan}"


class Disbursement(models.Model):
    """Money or goods given from the returnee's budget. Beyond the balance only with a
    supervisor's override and its reason."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        IN_KIND = "in_kind", _("In kind")

    journey = models.ForeignKey(Return, on_delete=models.PROTECT,
                                related_name="disbursements")
    paid_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    kind = models.CharField(_("cash or in kind"), max_length=8, choices=Kind.choices)
    # What the money was for ("rent", "school fees for her son"): free text about the
    # person's case, encrypted (docs/privacy.md). Never filtered or ordered on.
    purpose = EncryptedTextField(_("purpose"), max_length=200,
                                 validators=[MaxLengthValidator(200)])
    receipt_name = EncryptedTextField(_("receipt file name"), blank=True)
    receipt = EncryptedTextField(_("receipt (encrypted, base64)"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False)
    override_reason = models.TextField(_("reason for exceeding the budget"), blank=True)
    history = HistoricalRecords(excluded_fields=["receipt"])

    access_kind = "identity"
    access_owner = "journey__case__organisation"

    class Meta:
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.journey.currency} on {self.paid_on}"

    def clean(self) -> None:
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("An amount is positive.")})
