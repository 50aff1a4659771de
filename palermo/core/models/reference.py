"""Reference data: countries (ISO 3166), the CTM regions, and HTCDS picklists.

Loaded from the project's data files (``palermo/core/data``) by a data migration; see
docs/reference-data.md for sources and attribution.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A CTM region. Origin and destination use different schemes (Annex J of the 2010 report)."""

    class Scheme(models.TextChoices):
        ORIGIN = "origin", _("Region of origin")
        DESTINATION = "destination", _("Destination region")

    scheme = models.CharField(max_length=12, choices=Scheme.choices)
    code = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField()

    access_kind = "reference"

    class Meta:
        ordering = ["scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="region_code")]

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    """An ISO 3166-1 country, with its CTM origin and destination regions."""

    code = models.CharField(max_length=3, primary_key=True, help_text=_("ISO 3166-1 alpha-3"))
    alpha2 = models.CharField(max_length=2, unique=True)
    numeric = models.CharField(max_length=3)
    name = models.CharField(max_length=120)
    origin_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                                      limit_choices_to={"scheme": "origin"})
    destination_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                                           limit_choices_to={"scheme": "destination"})

    access_kind = "reference"

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class PicklistValue(models.Model):
    """One allowed value of an HTCDS picklist field (e.g. ``org_Type`` = ``NGO``)."""

    field = models.CharField(max_length=80, db_index=True,
                             help_text=_("HTCDS field name including prefix, e.g. org_Type"))
    value = models.CharField(max_length=120)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField()

    access_kind = "reference"

    class Meta:
        ordering = ["field", "order"]
        constraints = [models.UniqueConstraint(fields=["field", "value"], name="picklist_value")]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def choices(cls, field: str) -> list[tuple[str, str]]:
        """The (value, label) pairs of an HTCDS picklist, in the standard's order."""
        return list(cls.objects.filter(field=field).values_list("value", "label"))
