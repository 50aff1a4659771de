"""The CaseFact table: one de-identified row per case (see ``palermo.cases.facts``)."""

from __future__ import annotations

from django.db import models


class CaseFact(models.Model):
    """De-identified facts of one case. Never holds identity data (see module docstring)."""

    case_key = models.PositiveBigIntegerField(unique=True,
                                              help_text="Internal key of the case; not a link")
    person_key = models.CharField(max_length=32, db_index=True,
                                  help_text="Pseudonymous: the same person, the same key")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+", db_index=False)  # see Meta.indexes
    year = models.PositiveSmallIntegerField(help_text="Year of assistance (case opened)")
    opened_on = models.DateField()
    status = models.CharField(max_length=20)
    client_category = models.CharField(max_length=20)
    data_source = models.CharField(max_length=20, default="casework",
                                   help_text="How the case entered Palermo (Case.data_source)")
    gender = models.CharField(max_length=40, blank=True)
    age = models.PositiveSmallIntegerField(null=True, help_text="Age in years when identified")
    citizenship = models.CharField(max_length=3, blank=True)
    education = models.CharField(max_length=60, blank=True)
    origin_country = models.CharField(max_length=3, blank=True)
    origin_region = models.CharField(max_length=80, blank=True)
    destination_country = models.CharField(max_length=3, blank=True,
                                           help_text="First country of exploitation")
    destination_region = models.CharField(max_length=80, blank=True)
    exploitation_countries = models.JSONField(default=list)
    trafficking_type = models.CharField(max_length=20, blank=True)
    trafficking_status = models.CharField(max_length=40, blank=True)
    identifying_agency = models.CharField(max_length=20, blank=True)
    exploitation_types = models.JSONField(default=list)
    means_of_control = models.JSONField(default=list)
    forced_labour_industries = models.JSONField(default=list)
    sexual_exploitation_types = models.JSONField(default=list)
    recruitment_methods = models.JSONField(default=list)
    recruiter_relationship = models.CharField(max_length=40, blank=True)
    exploitation_months = models.PositiveSmallIntegerField(null=True)
    knew_risks = models.CharField(max_length=20, blank=True)
    awareness_sources = models.JSONField(default=list)
    is_retrafficked = models.BooleanField(
        default=False, help_text="The person had an earlier case (a new episode)")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "year"])]

    def __str__(self) -> str:
        return f"fact {self.case_key}"
