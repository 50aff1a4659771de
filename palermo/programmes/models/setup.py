"""Configuration an organisation keeps for its portfolio: the units its money flows through
(ministry → department → section, embassy, agency) and the national action plans its
projects serve, with their measures."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

PATH_SEPARATOR = " › "


class FundingChannel(models.Model):
    """A unit through which a donor's money reaches projects. Channels form a hierarchy,
    e.g. Utenriksdepartementet › Avd Europa og handel › Vest-Balkan, or an embassy."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        DEPARTMENT = "department", _("Department")
        SECTION = "section", _("Section")
        EMBASSY = "embassy", _("Embassy")
        AGENCY = "agency", _("Agency")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisation"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("part of"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices,
                            default=Kind.OTHER)
    history = HistoricalRecords()

    access_kind = "portfolio_setup"
    access_owner = "organisation"

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "parent", "name"],
                                    name="channel_name_in_parent"),
            models.UniqueConstraint(fields=["organisation", "name"],
                                    condition=models.Q(parent__isnull=True),
                                    name="top_channel_name"),
        ]

    def __str__(self) -> str:
        return self.path_label()

    def path(self) -> list[str]:
        """The names from the top of the hierarchy down to this channel."""
        names, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return names[::-1]

    def path_label(self) -> str:
        return PATH_SEPARATOR.join(self.path())


class ActionPlan(models.Model):
    """A national action plan against trafficking (e.g. Norway's plan 2006–2009), kept as
    data so that any country's plan and its measures can be configured."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("kept by"))
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("country"))
    first_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    history = HistoricalRecords()

    access_kind = "portfolio_setup"
    access_owner = "organisation"

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="action_plan_name")]

    def __str__(self) -> str:
        years = (f" {self.first_year}–{self.last_year}"
                 if self.first_year and self.last_year else "")
        return f"{self.name}{years}"


class Measure(models.Model):
    """One measure of an action plan (its number in the plan, its title, its priority)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures",
                             verbose_name=_("action plan"))
    code = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    theme = models.CharField(_("theme"), max_length=120, blank=True,
                             help_text=_("e.g. prevention, protection, prosecution"))
    priority = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True,
                                                help_text=_("1 = highest; empty when the "
                                                            "plan ranks none"))
    history = HistoricalRecords()

    access_kind = "portfolio_setup"
    access_owner = "plan__organisation"

    class Meta:
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"],
                                               name="measure_code_in_plan")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
