"""The partner register: the organisations projects work with, under one canonical name each,
with the other names funding lists give them ("Redd B" = "Redd Barna", "KN" = "Kirkens
Nødhjelp", "diverse" = several recipients)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.programmes import codelists
from palermo.programmes.names import name_key


class Partner(models.Model):
    """An organisation in the aid world: a funder, an implementing NGO, a UN agency …
    One of them may be a Palermo organisation (then it is that organisation's entry)."""

    name = models.CharField(_("canonical name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    type = models.CharField(_("organisation type"), max_length=2, blank=True,
                            choices=codelists.organisation_type_choices,
                            help_text=_("IATI OrganisationType"))
    iati_ref = models.CharField(_("IATI organisation identifier"), max_length=100,
                                blank=True)
    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="partner_entry", verbose_name=_("Palermo organisation"))
    several = models.BooleanField(
        _("stands for several recipients"), default=False,
        help_text=_("The entry funding lists use for 'diverse' / several recipients"))
    history = HistoricalRecords()

    access_kind = "partner"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def type_label(self) -> str:
        return codelists.label(codelists.ORGANISATION_TYPE, self.type)

    def keys(self) -> set[str]:
        """The normalised names this partner answers to directly (name and acronym)."""
        return {k for k in (name_key(self.name), name_key(self.acronym)) if k}


class PartnerAlias(models.Model):
    """Another name of a partner, as written in someone's list."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=200)
    key = models.CharField(max_length=200, unique=True, editable=False,
                           help_text=_("The name normalised: case, accents, spacing"))
    history = HistoricalRecords()

    access_kind = "partner"

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("partner aliases")

    def __str__(self) -> str:
        return f"{self.name} → {self.partner}"

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        super().save(*args, **kwargs)
