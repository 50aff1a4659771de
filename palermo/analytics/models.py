"""The release log and the privacy-budget ledger.

Every table or data file that leaves Palermo — a table as XLSX or CSV, a table through the API,
``palermo report``, DP counts, synthetic or k-anonymised microdata, a CTDC export — is recorded
as a :class:`Release`: who, when, for which organisation, what, by which method with which
parameters, the epsilon it spent, how many rows and the SHA-256 of the file — and, for a
release to readers without the real counts, the cells it disclosed (``facts``, ``cells``), so
that every later release of the same facts is audited together with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    """One release of statistics or microdata (append-only)."""

    class Method(models.TextChoices):
        TABLE = "table", _("Table")
        DP_COUNTS = "dp_counts", _("Differentially private counts")
        SYNTHETIC = "synthetic", _("DP synthetic microdata")
        KANON = "kanon", _("k-anonymised microdata")
        CTDC = "ctdc", _("CTDC export")

    created = models.DateTimeField(_("released at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+", verbose_name=_("released by"))
    actor = models.CharField(_("actor"), max_length=150, blank=True,
                             help_text=_("Who released it when there is no user: e.g. the "
                                         "system account that ran palermo report"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("organisation"),
                                     help_text=_("The organisation the user acted for"))
    spec = models.CharField(_("what"), max_length=120,
                            help_text=_("Table specification or dataset released"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    channel = models.CharField(_("channel"), max_length=20, blank=True,
                               help_text=_("xlsx, csv, html, api, cli …"))
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    epsilon = models.FloatField(_("epsilon spent"), null=True, blank=True)
    dataset = models.CharField(_("privacy-budget dataset"), max_length=120, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    suppressed = models.BooleanField(_("disclosure-controlled"), default=True)
    # What the release disclosed, for auditing later releases of the same facts together
    # with it (palermo.disclosure.cumulative): counts and labels only, never a person key.
    facts = models.CharField(
        _("facts"), max_length=120, blank=True, db_index=True,
        help_text=_("The population whose counts it disclosed (persons:all, "
                    "persons:org-3); releases of the same facts are audited together"))
    cells = models.JSONField(
        _("disclosed cells"), null=True, blank=True,
        help_text=_("Each published cell: fields, labels, true count, shown or hidden. "
                    "Never displayed: it holds the hidden counts"))
    cells_sha256 = models.CharField(_("SHA-256 of the cells"), max_length=64, blank=True)

    access_kind = "release"
    access_owner = "organisation"

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.spec} ({self.method}, {self.created:%Y-%m-%d %H:%M})"


class PrivacyBudgetLedger(models.Model):
    """The privacy budget of one dataset: the total epsilon allowed and the epsilon spent by
    its releases so far (basic composition; see ``palermo.disclosure.dp.PrivacyBudget``)."""

    dataset = models.CharField(_("dataset"), max_length=120, unique=True)
    total_epsilon = models.FloatField(_("total epsilon"))
    spent_epsilon = models.FloatField(_("epsilon spent"), default=0.0)
    updated = models.DateTimeField(auto_now=True)

    access_kind = "release"

    class Meta:
        ordering = ["dataset"]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.spent_epsilon:g} of {self.total_epsilon:g}"

    @property
    def remaining(self) -> float:
        return max(self.total_epsilon - self.spent_epsilon, 0.0)
