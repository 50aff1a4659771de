"""Consent and services: what the person agreed to, and the help they received."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.core.fields import EncryptedTextField


class Consent(models.Model):
    """One consent decision, by the person or (for a child) a guardian. Decisions are never
    edited: a withdrawal is a new record, and the latest record of a kind (and organisation)
    is the one in force."""

    class Kind(models.TextChoices):
        ASSISTANCE = "assistance", _("Assistance")
        DATA_PROCESSING = "data_processing", _("Processing of personal data")
        SHARING = "sharing", _("Sharing with a named organisation")
        RETURN = "return", _("Return to the country of origin")
        REJECT_ALL = "reject_all", _("Declaration rejecting all services")

    class Decision(models.TextChoices):
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("The person")
        GUARDIAN = "guardian", _("Guardian")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent to"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("organisation shared with"),
        help_text=_("Only for consent to sharing"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices,
                                default=GivenBy.PERSON)
    guardian_name = EncryptedTextField(_("guardian's name"), blank=True)
    decided_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    access_kind = "identity"
    access_owner = "case__organisation"

    class Meta:
        ordering = ["-decided_on", "-recorded_at", "-id"]

    def __str__(self) -> str:
        target = f" ({self.organisation})" if self.organisation_id else ""
        return f"{self.get_kind_display()}{target}: {self.get_decision_display()}"

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.SHARING and not self.organisation_id:
            errors["organisation"] = _("Name the organisation the data may be shared with.")
        if self.kind != self.Kind.SHARING and self.organisation_id:
            errors["organisation"] = _("Only consent to sharing names an organisation.")
        if self.given_by == self.GivenBy.GUARDIAN and not self.guardian_name.strip():
            errors["guardian_name"] = _("Give the guardian's name.")
        if errors:
            raise ValidationError(errors)


class Service(models.Model):
    """A service provided to the person within a case, by the organisation or a partner."""

    class Type(models.TextChoices):
        SHELTER = "shelter", _("Shelter")
        MEDICAL = "medical", _("Medical care")
        DENTAL = "dental", _("Dental care")
        MENTAL_HEALTH = "mental_health", _("Mental health care")
        PSYCHOSOCIAL = "psychosocial", _("Psycho-social support")
        LEGAL_AID = "legal_aid", _("Legal aid")
        DOCUMENTS = "documents", _("Identity and travel documents")
        EDUCATION = "education", _("Education")
        VOCATIONAL = "vocational", _("Vocational training")
        JOB_PLACEMENT = "job_placement", _("Job placement")
        MICRO_GRANT = "micro_grant", _("Micro-grant / income generation")
        FAMILY_TRACING = "family_tracing", _("Family tracing")
        CASH_GRANT = "cash_grant", _("Cash grant")
        TRAVEL = "travel", _("Travel")
        RECEPTION = "reception", _("Reception")
        HOUSING = "housing", _("Housing")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined by the person")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
    type = models.CharField(_("service"), max_length=20, choices=Type.choices)
    provider = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("provided by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    started_on = models.DateField(_("start"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True,
                               blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True,
                                help_text=_("ISO 4217, e.g. EUR, NGN"))
    history = HistoricalRecords()

    access_kind = "identity"
    access_owner = "case__organisation"

    class Meta:
        ordering = [models.F("started_on").asc(nulls_last=True), "id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.get_status_display()})"

    def clean(self) -> None:
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end is before the start.")
        if self.cost is not None and self.cost < 0:
            errors["cost"] = _("A cost cannot be negative.")
        if self.cost is not None and not self.currency:
            errors["currency"] = _("Give the currency of the cost.")
        if errors:
            raise ValidationError(errors)


def continuations_with_processing_consent(organisation_id: int) -> models.QuerySet:
    """The cases of *organisation_id* continuing a referral on which the person's consent
    to the processing of their data is in force — the receiver's own consent, which lets it
    see the person's identity whatever the sender's consent says (``Person.access_shared``).
    The decision in force is the latest, as ``cases.assistance.decision_in_force`` reads it."""
    latest = (Consent.objects.filter(case=models.OuterRef("pk"),
                                     kind=Consent.Kind.DATA_PROCESSING,
                                     organisation__isnull=True)
              .order_by(*Consent._meta.ordering).values("decision")[:1])
    case_model = apps.get_model("cases", "Case")
    return (case_model.objects.filter(organisation_id=organisation_id, referred_by__isnull=False)
            .annotate(processing=models.Subquery(latest))
            .filter(processing=Consent.Decision.GIVEN))
