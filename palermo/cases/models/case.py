"""A case: one episode of assistance to a person, with the CTM's data on the trafficking
process and the pattern of exploitation. Field names and picklists follow HTCDS."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.cases.answers import MultiChoiceField, htcds_answers, with_refusals
from palermo.core.fields import EncryptedTextField
from palermo.core.reference_data import htcds_choices


class ClientCategory(models.TextChoices):
    VICTIM = "victim", _("Victim of trafficking")
    POSSIBLE_VICTIM = "possible_victim", _("Possible victim of trafficking")
    OTHER_MIGRANT = "other_migrant", _("Other migrant in need")


class DataSource(models.TextChoices):
    """How the case entered Palermo: set by the channel that created it, never by a user
    (a filter of the statistical tables; docs/privacy.md)."""

    CASEWORK = "casework", _("Entered in Palermo")
    FORM = "form", _("Questionnaire / ODK / Kobo submission")
    HTCDS_IMPORT = "htcds_import", _("HTCDS file import")
    TEMPLATE_IMPORT = "template_import", _("Palermo case template import (legacy and CTM-era "
                                           "records)")


IDENTIFYING_AGENCIES = with_refusals([
    ("police", _("Police")), ("ngo", _("NGO")), ("border", _("Border guards")),
    ("labour_inspection", _("Labour inspection")), ("consulate", _("Consulate or embassy")),
    ("hotline", _("Hotline")), ("self_referral", _("Self-referral")), ("other", _("Other")),
])
TRAFFICKING_TYPES = with_refusals([("in_country", _("In country")),
                                   ("transnational", _("Transnational"))])
YES_NO_ANSWERS = with_refusals([("yes", _("Yes")), ("no", _("No"))])
AWARENESS_SOURCES = [
    ("campaign", _("Information campaign")), ("school", _("School")),
    ("media", _("Radio, TV or newspaper")), ("social_media", _("Social media")),
    ("family", _("Family")), ("friends", _("Friends or neighbours")),
    ("ngo", _("NGO or community worker")), ("religious", _("Religious leader")),
    ("returnee", _("A returned migrant")), ("other", _("Other")),
]
# Closed statuses need a reason; FollowUp and the closed ones follow Active (HTCDS cas_Status).
CLOSED = ("Closed", "ClosedReferred")


class Case(models.Model):
    """One episode of assistance, owned by an organisation and assigned to a caseworker."""

    # No single-column index on organisation or caseworker: the indexes in Meta lead with them.
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="cases", verbose_name=_("organisation"),
                                     db_index=False)
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("person"))
    number = models.CharField(_("case number"), max_length=40, editable=False)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("caseworker"), db_index=False)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=20, default="Active",
                              choices=htcds_choices("cas_Status"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.TextField(_("reason for closure"), blank=True)
    referred_by = models.ForeignKey("cases.Referral", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="receiving_cases",
                                    editable=False,
                                    help_text=_("The referral this case continues"))
    version = models.PositiveIntegerField(default=1, editable=False,
                                          help_text=_("Raised by every save: edit conflicts"))
    data_source = models.CharField(_("data source"), max_length=20, editable=False,
                                   choices=DataSource.choices, default=DataSource.CASEWORK,
                                   help_text=_("How the case entered Palermo"))

    # Identification
    client_category = models.CharField(_("client category"), max_length=20,
                                       choices=ClientCategory.choices,
                                       default=ClientCategory.POSSIBLE_VICTIM)
    identified_on = models.DateField(_("identified on"), null=True, blank=True)
    identification_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("country of identification"))
    identification_place = models.CharField(_("place of identification"), max_length=120,
                                            blank=True)
    identifying_agency = models.CharField(_("identified by"), max_length=20, blank=True,
                                          choices=IDENTIFYING_AGENCIES)
    trafficking_status = models.CharField(_("trafficking status"), max_length=40, blank=True,
                                          choices=htcds_answers("vic_TraffickingStatus"))
    status_decided_by = models.CharField(
        _("trafficking status decided by"), max_length=40, blank=True,
        choices=htcds_choices("vic_TraffickingStatusDecisionMakingOrg"))

    # The trafficking process
    trafficking_type = models.CharField(_("type of trafficking"), max_length=20, blank=True,
                                        choices=TRAFFICKING_TYPES)
    origin_country = models.ForeignKey("core.Country", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+",
                                       verbose_name=_("country of origin"))
    transit_countries = models.JSONField(_("transit countries"), default=list, blank=True)
    exploitation_countries = models.JSONField(_("countries of exploitation"), default=list,
                                              blank=True)

    # The pattern of exploitation
    exploitation_types = MultiChoiceField(_("types of exploitation"),
                                          choices_of="vic_TypeOfExploitation")
    means_of_control = MultiChoiceField(_("means of control"),
                                        choices_of="vic_MethodsOfControl")
    forced_labour_industries = MultiChoiceField(_("forced labour industry"),
                                                choices_of="vic_ForcedLabourIndustry")
    sexual_exploitation_types = MultiChoiceField(_("types of sexual exploitation"),
                                                 choices_of="vic_TypeOfSexExploitation")
    recruitment_methods = MultiChoiceField(_("method of recruitment"),
                                           choices_of="vic_MethodOfRecruitment")
    recruiter_relationship = models.CharField(_("relationship to the trafficker"),
                                              max_length=40, blank=True,
                                              choices=htcds_answers("vic_RelationshipToTrafficker"))
    age_at_exploitation = models.PositiveSmallIntegerField(_("age when trafficked"), null=True,
                                                           blank=True)
    exploitation_months = models.PositiveSmallIntegerField(_("duration of exploitation "
                                                             "(months)"), null=True, blank=True)

    # Prior awareness at intake (000 Rec. 12): which prevention messages reached whom
    knew_risks = models.CharField(_("knew of the risks of migration and trafficking"),
                                  max_length=20, blank=True, choices=YES_NO_ANSWERS)
    awareness_sources = MultiChoiceField(_("where they had heard of the risks"),
                                         options=AWARENESS_SOURCES)

    history = HistoricalRecords(
        history_change_reason_field=EncryptedTextField(null=True, blank=True),
        # History is read by record (id) and date only (see Person.history).
        no_db_index=["organisation", "person", "assigned_to", "referred_by",
                     "identification_country", "origin_country"])

    access_kind = "identity"
    access_owner = "organisation"
    # Seen (not changed) by an organisation it was referred to, once accepted with consent.
    access_shared = ("referrals__to_organisation", {"referrals__status__in": ("accepted",
                                                                               "completed"),
                                                     "referrals__shares_identity": True})

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"],
                                               name="case_number_per_organisation")]
        indexes = [
            # The case list: an organisation's cases, newest first.
            models.Index(fields=["organisation", "-opened_on", "-id"], name="case_list"),
            models.Index(fields=["organisation", "status"], name="case_status"),
            models.Index(fields=["assigned_to", "status"], name="case_assignee"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    def clean(self) -> None:
        errors: dict[str, str] = {}
        codes = _country_codes()
        for name in ("transit_countries", "exploitation_countries"):
            wrong = [c for c in getattr(self, name) or [] if c not in codes]
            if wrong:
                errors[name] = _("Not ISO 3166 alpha-3 codes: %(codes)s") % {
                    "codes": ", ".join(map(str, wrong))}
        if self.is_closed and not self.closure_reason.strip():
            errors["closure_reason"] = _("Give the reason for closing the case.")
        if self.identified_on and self.identified_on > timezone.localdate():
            errors["identified_on"] = _("The date of identification is in the future.")
        if self.age_at_exploitation is not None and self.age_at_exploitation > 110:
            errors["age_at_exploitation"] = _("Enter an age in years.")
        if self.data_source not in DataSource.values:  # not editable: Django skips it
            errors["data_source"] = _("Not a data source: %(value)s") % {
                "value": self.data_source}
        if errors:
            raise ValidationError(errors)


# The ISO codes of the Country table, read again after a change of a country (signals
# below) or after CODES_MAX_AGE seconds — so that a thousand cases checked in a batch read
# them once, and a country loaded by other means (a bulk upsert of the reference data,
# a rolled-back test) is not missed for long.
CODES_MAX_AGE = 60.0
_codes: dict[str, object] = {}


def hold_country_codes() -> None:
    """Keep the country codes read so far (if any), however old they get: for a process
    that may not read the database (an import's worker, which checks against the
    reference data of the import's start). A change of a country still clears them."""
    if "codes" in _codes:
        _codes["held"] = True


def _country_codes() -> frozenset[str]:
    read_at = _codes.get("read_at")
    if not _codes.get("held") and (
            read_at is None or time.monotonic() - read_at > CODES_MAX_AGE):  # type: ignore[operator]
        from palermo.core.models import Country

        _codes["codes"] = frozenset(Country.objects.values_list("code", flat=True))
        _codes["read_at"] = time.monotonic()
    return _codes["codes"]  # type: ignore[return-value]


@receiver([post_save, post_delete], sender="core.Country")
@receiver(post_migrate)
def forget_country_codes(**kwargs) -> None:
    """Read the country codes again at the next check (a country was added or removed)."""
    _codes.clear()


class TraffickingEvent(models.Model):
    """A recruitment, transit or exploitation event of the case (HTCDS hte_)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=20, choices=htcds_choices("hte_Type"))
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("country"))
    # Where something happened to the person: free text about their case, encrypted like
    # the description (docs/privacy.md). Never filtered or ordered on.
    place = EncryptedTextField(_("city or place"), max_length=120, blank=True,
                               validators=[MaxLengthValidator(120)])
    date = models.DateField(_("date"), null=True, blank=True)
    description = EncryptedTextField(_("description"), blank=True)
    history = HistoricalRecords()

    access_kind = "identity"
    access_owner = "case__organisation"

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.country or ''} {self.date or ''}".strip()


class CaseNote(models.Model):
    """A note by a caseworker. Notes are added, never edited: the record is the sequence."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)
    text = EncryptedTextField(_("note"))

    access_kind = "identity"
    access_owner = "case__organisation"

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} note {self.written_at:%Y-%m-%d}"
