"""A project — an IATI activity — with its participating organisations, where it works,
its sectors and how it is classified (the four Ps, target groups, forms of exploitation,
action-plan measures)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.core.reference_data import htcds_choices
from palermo.programmes import codelists

FUNDING = "1"  # IATI OrganisationRole: the organisation that provides the funds
ACCOUNTABLE, EXTENDING, IMPLEMENTING = "2", "3", "4"


class FourP(models.TextChoices):
    PREVENTION = "prevention", _("Prevention")
    PROTECTION = "protection", _("Protection")
    PROSECUTION = "prosecution", _("Prosecution")
    PARTNERSHIP = "partnership", _("Partnership / policy")


class TargetGroup(models.TextChoices):
    VICTIMS = "victims", _("Victims of trafficking")
    WOMEN = "women", _("Women")
    GIRLS = "girls", _("Girls")
    MEN = "men", _("Men")
    BOYS = "boys", _("Boys")
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")
    FAMILIES = "families", _("Families")
    MINORITIES = "minorities", _("Roma and other minorities")
    MIGRANTS = "migrants", _("Migrants")
    REFUGEES = "refugees", _("Refugees")
    DISABILITIES = "disabilities", _("Persons with disabilities")
    BUYERS = "buyers", _("Buyers of services (demand side)")
    OFFICIALS = "officials", _("Government officials")
    LAW_ENFORCEMENT = "law_enforcement", _("Police and border guards")
    JUDICIARY = "judiciary", _("Prosecutors and judges")
    CIVIL_SOCIETY = "civil_society", _("NGOs and civil society")
    PUBLIC = "public", _("General public")


class EvaluationStatus(models.TextChoices):
    NONE = "none", _("Not evaluated")
    PLANNED = "planned", _("Evaluation planned")
    ONGOING = "ongoing", _("Evaluation under way")
    INTERNAL = "internal", _("Reviewed internally")
    EXTERNAL = "external", _("Evaluated externally")


def exploitation_choices() -> list[tuple[str, str]]:
    """Forms of exploitation: the HTCDS list the case module uses."""
    return htcds_choices("vic_TypeOfExploitation")


def _check_list(value, allowed: list[tuple[str, str]], field: str) -> None:
    codes = {code for code, _label in allowed}
    if not isinstance(value, list) or any(v not in codes for v in value):
        raise ValidationError({field: _("Choose from the list: %(codes)s.")
                               % {"codes": ", ".join(sorted(codes))}})


class Project(models.Model):
    """A project: an IATI activity, kept by one organisation (whose M&E officers edit it)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("kept by"))
    iati_identifier = models.CharField(_("IATI identifier"), max_length=150, blank=True)
    own_number = models.CharField(
        _("donor's project number"), max_length=40, blank=True,
        help_text=_("As the donor writes it, e.g. 2040412, BGD-3100, RAS-2743"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    objective = models.TextField(_("main objective"), blank=True)
    status = models.CharField(_("activity status"), max_length=1, default="2",
                              choices=codelists.activity_status_choices)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR",
                                choices=codelists.currency_choices,
                                help_text=_("The currency the project's totals are kept in"))
    four_ps = models.JSONField(_("the four Ps"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    exploitation_forms = models.JSONField(_("forms of exploitation addressed"), default=list,
                                          blank=True)
    measures = models.ManyToManyField("programmes.Measure", blank=True, related_name="projects",
                                      verbose_name=_("action-plan measures"))
    evaluation_status = models.CharField(_("evaluation"), max_length=10,
                                         choices=EvaluationStatus.choices,
                                         default=EvaluationStatus.NONE)
    sampled_for_review = models.BooleanField(_("sampled for review"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[measures], excluded_fields=["updated_at"])

    access_kind = "portfolio"
    access_owner = "organisation"
    # A funder reads the projects it funds (docs/access.md): the organisation named, through
    # the partner register, as a participating organisation in the funding role.
    access_shared = ("participations__partner__organisation",
                     {"participations__role": FUNDING})

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["iati_identifier"],
                                    condition=~models.Q(iati_identifier=""),
                                    name="project_iati_identifier"),
            models.UniqueConstraint(fields=["organisation", "own_number"],
                                    condition=~models.Q(own_number=""),
                                    name="project_own_number"),
        ]

    def __str__(self) -> str:
        return f"{self.own_number} {self.title}" if self.own_number else self.title

    def clean(self) -> None:
        _check_list(self.four_ps, FourP.choices, "four_ps")
        _check_list(self.target_groups, TargetGroup.choices, "target_groups")
        _check_list(self.exploitation_forms, exploitation_choices(), "exploitation_forms")
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if getattr(self, start) and getattr(self, end) and \
                    getattr(self, end) < getattr(self, start):
                raise ValidationError({end: _("The end is before the start.")})

    @property
    def status_label(self) -> str:
        return codelists.label(codelists.ACTIVITY_STATUS, self.status)

    def classification_labels(self) -> dict[str, str]:
        """The four Ps, target groups and forms of exploitation as people read them."""
        def named(values, choices):
            labels = dict(choices)
            return ", ".join(str(labels.get(v, v)) for v in values)

        return {"four_ps": named(self.four_ps, FourP.choices),
                "target_groups": named(self.target_groups, TargetGroup.choices),
                "exploitation_forms": named(self.exploitation_forms, exploitation_choices())}


class Participation(models.Model):
    """An organisation's part in a project, in IATI's roles."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE,
                                related_name="participations")
    partner = models.ForeignKey("programmes.Partner", on_delete=models.PROTECT,
                                related_name="participations", verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=1,
                            choices=codelists.organisation_role_choices)
    history = HistoricalRecords()

    access_kind = "portfolio"
    access_owner = "project__organisation"

    class Meta:
        ordering = ["project", "role", "partner__name"]
        constraints = [models.UniqueConstraint(fields=["project", "partner", "role"],
                                               name="one_role_per_partner")]

    def __str__(self) -> str:
        return f"{self.partner} ({self.role_label})"

    @property
    def role_label(self) -> str:
        return codelists.label(codelists.ORGANISATION_ROLE, self.role)


class ProjectShare(models.Model):
    """A share of a project: a country, a region or a sector, with its percentage (all of a
    project's shares of one split sum to 100, or none has a percentage: see
    :func:`split_problem`)."""

    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2,
                                     null=True, blank=True)
    history = HistoricalRecords(inherit=True)

    access_kind = "portfolio"
    access_owner = "project__organisation"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.label} {self.percentage or ''}".strip()


class RecipientCountry(ProjectShare):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="countries")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("country"))

    class Meta:
        ordering = ["project", "country__name"]
        constraints = [models.UniqueConstraint(fields=["project", "country"],
                                               name="recipient_country_once")]

    @property
    def label(self) -> str:
        return str(self.country)


class RecipientRegion(ProjectShare):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="regions")
    code = models.CharField(_("region"), max_length=4, choices=codelists.region_choices,
                            help_text=_("OECD DAC region (IATI Region codelist)"))

    class Meta:
        ordering = ["project", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"],
                                               name="recipient_region_once")]

    @property
    def label(self) -> str:
        return codelists.label(codelists.REGION, self.code)


class ProjectSector(ProjectShare):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sectors")
    code = models.CharField(_("DAC sector"), max_length=5, choices=codelists.sector_choices,
                            help_text=_("OECD DAC 5-digit purpose code, e.g. 15190"))

    class Meta:
        ordering = ["project", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"],
                                               name="sector_once")]

    @property
    def label(self) -> str:
        return f"{self.code} {codelists.label(codelists.SECTOR, self.code)}"


HUNDRED = Decimal("100")


def split_problem(percentages: list[Decimal | None]) -> str | None:
    """Why a split (recipient countries and regions together, or sectors) is not valid, or
    None: percentages are all given or all left out, and when given they sum to 100."""
    given = [p for p in percentages if p is not None]
    if not given:
        return None
    if len(given) != len(percentages):
        return str(_("Give a percentage for every one, or for none."))
    if any(p <= 0 or p > HUNDRED for p in given):
        return str(_("Each percentage is more than 0 and at most 100."))
    if abs(sum(given) - HUNDRED) > Decimal("0.01"):
        return str(_("The percentages sum to %(sum)s, not 100.") % {"sum": sum(given)})
    return None
