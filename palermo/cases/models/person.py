"""The person assisted. Identity data is encrypted at rest (``palermo.core.fields``).

Cases, screening, consent, services and the rest of the CTM build on this model
(see the case-management issue); this module keeps the person's identity and the plain
demographic facts that analysis may use.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.cases.answers import htcds_answers
from palermo.cases.models.assistance import continuations_with_processing_consent
from palermo.core.fields import BlindIndexField, EncryptedDateField, EncryptedTextField
from palermo.core.languages import language_choices
from palermo.core.reference_data import read_countries

NAME_SOURCES = ("given_name", "middle_name", "family_name")
LISTING_DEFERRED = ("aliases", "birth_date", "phone", "email", "address", "identity_number")


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    # The reference file the countries table is loaded from: no query to validate or label.
    return {row["alpha3"]: row["name"] for row in read_countries()}


REFERENCES = {"countries": _country_names, "languages": lambda: dict(language_choices())}


class CodeListField(models.JSONField):
    """A list of reference codes — ISO 3166 alpha-3 countries or ISO 639-3 languages —
    stored as codes and shown with their names (history, export). An empty list means none
    recorded."""

    def __init__(self, *args, reference: str = "countries", **kwargs):
        self.reference = reference
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["reference"] = self.reference
        kwargs.pop("default", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def options(self) -> dict[str, str]:
        """code -> name of every allowed code."""
        return REFERENCES[self.reference]()

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value in (None, ""):
            return
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_("Expected a list of codes."), code="invalid")
        unknown = [v for v in value if v not in self.options()]
        if unknown:
            message = (_("Not ISO 3166 alpha-3 country codes: %(codes)s")
                       if self.reference == "countries"
                       else _("Not ISO 639-3 language codes known to Palermo: %(codes)s"))
            raise ValidationError(message, params={"codes": ", ".join(unknown)},
                                  code="invalid_choice")
        if len(set(value)) != len(value):
            raise ValidationError(_("A code is given twice."), code="duplicate")

    def labels(self, value) -> list[str]:
        """Display names of a stored list."""
        names = self.options()
        return [names.get(v, v) for v in value or []]


def _consenting_continuations(organisation_id: int) -> models.QuerySet:
    return continuations_with_processing_consent(organisation_id).values("pk")


class PersonQuerySet(models.QuerySet):
    def current(self) -> PersonQuerySet:
        """Persons not merged into another record."""
        return self.filter(merged_into__isnull=True)

    def for_listing(self) -> PersonQuerySet:
        """Only what a list shows: names and plain facts; the other identity fields are not
        loaded, so they are not decrypted."""
        return self.select_related("citizenship").defer(*LISTING_DEFERRED)

    def matching(self, term: str) -> PersonQuerySet:
        """Persons whose full name, identity number or phone number equals *term* exactly
        (ignoring case, accents and spacing) — through the blind indexes."""
        field = Person._meta.get_field
        return self.filter(
            models.Q(name_index=field("name_index").digest_for(term))
            | models.Q(identity_number_index=field("identity_number_index").digest_for(term))
            | models.Q(phone_index=field("phone_index").digest_for(term)))


class Person(models.Model):
    """Someone an organisation assists. One person may have several cases over time."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="persons", verbose_name=_("organisation"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+", editable=False)
    registered_at = models.DateTimeField(auto_now_add=True)

    # Identity — encrypted (HTCDS prs_FirstName, prs_MiddleName, prs_SecondName …)
    # The lengths are those of the API's schema; imports and forms read them from here.
    given_name = EncryptedTextField(_("given name"), max_length=200)
    middle_name = EncryptedTextField(_("middle name"), blank=True, max_length=200)
    family_name = EncryptedTextField(_("family name"), blank=True, max_length=200)
    aliases = EncryptedTextField(_("other names used"), blank=True, max_length=1000,
                                 help_text=_("Nicknames, names in other scripts, former names"))
    birth_date = EncryptedDateField(_("date of birth"), blank=True, null=True)
    phone = EncryptedTextField(_("phone"), blank=True, max_length=100)
    email = EncryptedTextField(_("email"), blank=True, max_length=200)
    address = EncryptedTextField(_("address"), blank=True, max_length=1000)
    identity_number = EncryptedTextField(_("identity document number"), blank=True,
                                         max_length=100)

    # Plain demographic facts
    gender = models.CharField(_("gender"), max_length=40, blank=True,
                              choices=htcds_answers("prs_Gender"))
    # The main citizenship feeds the statistics (CaseFact keeps one, as the CTDC does); a
    # person may hold others (HTCDS prs_Citizenship is a multi-select).
    citizenship = models.ForeignKey("core.Country", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("citizenship"))
    other_citizenships = CodeListField(_("other citizenships"), reference="countries")
    languages = CodeListField(_("languages spoken"), reference="languages",
                              help_text=_("Languages the person can be interviewed in"))
    education = models.CharField(_("highest level of education"), max_length=60, blank=True,
                                 choices=htcds_answers("prs_HighestLevelOfEducation"))
    marital_status = models.CharField(_("marital status"), max_length=40, blank=True,
                                      choices=htcds_answers("prs_MaritalStatus"))
    children = models.PositiveSmallIntegerField(_("number of children"), null=True, blank=True)

    erased_at = models.DateTimeField(_("identity erased"), null=True, blank=True,
                                     editable=False)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged", verbose_name=_("merged into"),
                                    help_text=_("Registered twice: the record kept"))

    # Blind indexes for exact-match search and duplicate detection
    name_index = BlindIndexField(sources=NAME_SOURCES, purpose="person-name")
    birth_date_index = BlindIndexField(sources=("birth_date",), purpose="person-birth-date")
    identity_number_index = BlindIndexField(sources=("identity_number",),
                                            purpose="person-identity-number")
    phone_index = BlindIndexField(sources=("phone",), purpose="person-phone")

    # The reason given for a change may itself name someone: it is encrypted like the rest.
    history = HistoricalRecords(
        excluded_fields=["registered_at"],
        history_change_reason_field=EncryptedTextField(null=True, blank=True),
        # History is read by record (id) and date only: indexes on its blind indexes and
        # foreign keys cost every write (imports most) and serve no query.
        no_db_index=["name_index", "birth_date_index", "identity_number_index",
                     "phone_index", "organisation", "registered_by", "citizenship",
                     "merged_into"])
    objects = PersonQuerySet.as_manager()

    access_kind = "identity"
    access_owner = "organisation"
    # Another organisation sees the identity (never changes it) while either holds:
    # - a referral of one of the person's cases to it is accepted and the person's consent
    #   to sharing with it is in force (``shares_identity``, kept by cases.assistance);
    # - it holds its own case continuing a referral, on which it recorded the person's
    #   consent to the processing of their data, in force.
    # Nothing else about the person's cases comes with it (docs/access.md).
    access_shared = (
        ("cases__referrals__to_organisation",
         {"cases__referrals__status__in": ("accepted", "completed"),
          "cases__referrals__shares_identity": True}),
        ("cases__organisation", lambda organisation_id: {
            "cases__in": _consenting_continuations(organisation_id)}),
    )
    # The identity's history is read by whoever sees the identity, while they do.
    access_history_shared = True

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("person")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.erased_at:
            return _("(identity erased)")
        return " ".join(p for p in (self.given_name, self.middle_name, self.family_name) if p)

    @property
    def citizenships(self) -> list[str]:
        """Every citizenship as ISO alpha-3 codes, the main one first."""
        main = [self.citizenship_id] if self.citizenship_id else []
        return main + [c for c in self.other_citizenships or [] if c not in main]

    @citizenships.setter
    def citizenships(self, codes: list[str]) -> None:
        """Set every citizenship at once from ISO alpha-3 codes, the main one first."""
        codes = list(dict.fromkeys(str(c).strip().upper() for c in codes or [] if c))
        self.citizenship_id = codes[0] if codes else None
        self.other_citizenships = codes[1:]

    @property
    def citizenship_names(self) -> list[str]:
        """Every citizenship by name, the main one first."""
        return self._meta.get_field("other_citizenships").labels(self.citizenships)

    @property
    def language_names(self) -> list[str]:
        return self._meta.get_field("languages").labels(self.languages)

    def clean(self) -> None:
        others = self.other_citizenships or []
        if others and not self.citizenship_id:
            raise ValidationError({"citizenship": _(
                "Choose the main citizenship; the others are recorded besides it.")})
        if self.citizenship_id and self.citizenship_id in others:
            raise ValidationError({"other_citizenships": _(
                "The main citizenship is listed again among the others.")})

    @property
    def reference(self) -> str:
        """A non-identifying label for lists and logs: ``P-000042``."""
        return f"P-{self.pk:06d}"
