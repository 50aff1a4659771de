"""Money: a project's annual agreements, its budgets (what is planned) and its transactions
(what is committed, disbursed, spent, received) — typed as IATI types them."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.programmes import codelists

MONEY = {"max_digits": 18, "decimal_places": 2}

# IATI TransactionType codes Palermo's totals count.
INCOMING_FUNDS, COMMITMENT, DISBURSEMENT, EXPENDITURE = "1", "2", "3", "4"
INCOMING_COMMITMENT = "11"


class Agreement(models.Model):
    """One year's grant agreement of a project: the donor's number for it (in the donor's
    own format), the year, the unit the money comes through, the recipient."""

    project = models.ForeignKey("programmes.Project", on_delete=models.CASCADE,
                                related_name="agreements")
    number = models.CharField(_("agreement number"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    channel = models.ForeignKey("programmes.FundingChannel", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="agreements",
                                verbose_name=_("funding channel"))
    recipient = models.ForeignKey("programmes.Partner", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("recipient"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    carry_over = models.DecimalField(
        _("carried over"), default=Decimal("0"), **MONEY,
        help_text=_("Unused funds of the previous year's agreement allowed into this year"))
    source_key = models.CharField(max_length=64, blank=True, editable=False,
                                  help_text=_("The funding-list row it came from (hash)"))
    history = HistoricalRecords()

    access_kind = "portfolio"
    access_owner = "project__organisation"

    class Meta:
        ordering = ["project", "year", "number", "id"]
        constraints = [models.UniqueConstraint(
            fields=["project", "source_key"], condition=~models.Q(source_key=""),
            name="agreement_list_row_once")]  # two imports of one list at once: one wins

    def __str__(self) -> str:
        return f"{self.number or '—'} ({self.year})"

    def clean(self) -> None:
        if not 1900 <= (self.year or 0) <= 2200:
            raise ValidationError({"year": _("A year between 1900 and 2200.")})
        if self.carry_over is not None and self.carry_over < 0:
            raise ValidationError({"carry_over": _("Carry-over cannot be negative.")})


class Budget(models.Model):
    """What is planned for a period (IATI budget): original or revised, indicative or
    committed."""

    class Status(models.TextChoices):
        INDICATIVE = "1", _("Indicative")
        COMMITTED = "2", _("Committed")

    project = models.ForeignKey("programmes.Project", on_delete=models.CASCADE,
                                related_name="budgets")
    agreement = models.ForeignKey(Agreement, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="budgets")
    type = models.CharField(_("type"), max_length=1, default="1",
                            choices=codelists.budget_type_choices)
    status = models.CharField(_("status"), max_length=1, choices=Status.choices,
                              default=Status.INDICATIVE)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3,
                                choices=codelists.currency_choices)
    value_date = models.DateField(_("value date"))
    exchange_rate = models.DecimalField(
        _("exchange rate used"), max_digits=18, decimal_places=8, null=True, blank=True,
        help_text=_("Units of the project's currency for one unit of this currency"))
    history = HistoricalRecords()

    access_kind = "portfolio"
    access_owner = "project__organisation"

    class Meta:
        ordering = ["project", "period_start", "id"]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}: {self.value} " \
               f"{self.currency}"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period ends before it starts.")})


class Transaction(models.Model):
    """Money moving (IATI transaction): a commitment, a disbursement, an expenditure,
    incoming funds … in its own currency, with the exchange rate used to count it in the
    project's currency."""

    project = models.ForeignKey("programmes.Project", on_delete=models.CASCADE,
                                related_name="transactions")
    agreement = models.ForeignKey(Agreement, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="transactions",
                                  verbose_name=_("agreement"))
    type = models.CharField(_("type"), max_length=2,
                            choices=codelists.transaction_type_choices)
    date = models.DateField(_("date"))
    value = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3,
                                choices=codelists.currency_choices)
    value_date = models.DateField(_("value date"),
                                  help_text=_("The date the exchange rate is taken on"))
    exchange_rate = models.DecimalField(
        _("exchange rate used"), max_digits=18, decimal_places=8, null=True, blank=True,
        help_text=_("Units of the project's currency for one unit of this currency"))
    provider = models.ForeignKey("programmes.Partner", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("from"))
    receiver = models.ForeignKey("programmes.Partner", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("to"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    ref = models.CharField(_("reference"), max_length=60, blank=True)
    history = HistoricalRecords()

    access_kind = "portfolio"
    access_owner = "project__organisation"

    class Meta:
        ordering = ["project", "date", "id"]
        indexes = [models.Index(fields=["project", "type"])]

    def __str__(self) -> str:
        return f"{self.type_label} {self.date:%Y-%m-%d}: {self.value} {self.currency}"

    def clean(self) -> None:
        if self.exchange_rate is not None and self.exchange_rate <= 0:
            raise ValidationError({"exchange_rate": _("An exchange rate is more than 0.")})

    @property
    def type_label(self) -> str:
        return codelists.label(codelists.TRANSACTION_TYPE, self.type)
