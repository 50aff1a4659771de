"""Every change to a portfolio made by hand — one function per job, called alike by the pages,
the API and the command line. Each asks the access policy, validates, saves with the member
recorded in the history, and refuses with a ``ValidationError`` naming the field."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Country, Membership
from palermo.programmes import partners, totals
from palermo.programmes.models import (
    ActionPlan,
    Agreement,
    Budget,
    FundingChannel,
    Measure,
    Participation,
    Partner,
    Project,
    ProjectSector,
    RecipientCountry,
    RecipientRegion,
    Transaction,
)
from palermo.programmes.models.portfolio import split_problem

PROJECT_FIELDS = ("iati_identifier", "own_number", "title", "description", "objective",
                  "status", "planned_start", "actual_start", "planned_end", "actual_end",
                  "currency", "four_ps", "target_groups", "exploitation_forms",
                  "evaluation_status", "sampled_for_review")


def _save(membership: Membership, record) -> None:
    record._history_user = membership.user
    record.full_clean()
    record.save()


def _unique_identifiers(project: Project) -> None:
    clash = Project.objects.exclude(pk=project.pk)
    if project.iati_identifier and clash.filter(
            iati_identifier=project.iati_identifier).exists():
        raise ValidationError({"iati_identifier": _("Another project has this IATI "
                                                    "identifier.")})
    if project.own_number and clash.filter(organisation=project.organisation,
                                           own_number=project.own_number).exists():
        raise ValidationError({"own_number": _("Another project of your organisation has "
                                               "this number.")})


@transaction.atomic
def create_project(membership: Membership, *, role: str, measures=(), **values) -> Project:
    """A new project of the member's organisation, which takes part in it in *role*
    (funding, accountable, extending or implementing): IATI wants one organisation at least."""
    access.require(membership, Action.CREATE, Project)
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    project = Project(organisation=membership.organisation, **values)
    _unique_identifiers(project)
    _save(membership, project)
    project.measures.set(_measures(measures))
    own = partners.entry_for(membership, membership.organisation)
    _save(membership, Participation(project=project, partner=own, role=role))
    return project


@transaction.atomic
def update_project(membership: Membership, project: Project, *, measures=None,
                   **values) -> Project:
    """Change a project's own fields (those given); the history keeps who, when, old, new."""
    access.require(membership, Action.CHANGE, project)
    for name, value in values.items():
        if name not in PROJECT_FIELDS:
            raise ValidationError({name: _("Unknown field.")})
        setattr(project, name, value)
    _unique_identifiers(project)
    _save(membership, project)
    if measures is not None:
        project.measures.set(_measures(measures))
    return project


def _measures(measures) -> list[Measure]:
    chosen = list(measures)
    ids = [m.pk if isinstance(m, Measure) else int(m) for m in chosen]
    found = list(Measure.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"measures": _("Unknown action-plan measure.")})
    return found


@transaction.atomic
def add_participation(membership: Membership, project: Project, partner: Partner,
                      role: str) -> Participation:
    """Name an organisation's part in the project (funding, accountable, extending,
    implementing)."""
    access.require(membership, Action.CHANGE, project)
    if Participation.objects.filter(project=project, partner=partner, role=role).exists():
        raise ValidationError({"partner": _("This organisation has this role already.")})
    participation = Participation(project=project, partner=partner, role=role)
    _save(membership, participation)
    return participation


@transaction.atomic
def remove_participation(membership: Membership, participation: Participation) -> None:
    """Take an organisation's role off a project (IATI needs one organisation at least)."""
    project = participation.project
    access.require(membership, Action.CHANGE, project)
    if project.participations.count() <= 1:
        raise ValidationError({"partner": _("A project keeps one organisation at least.")})
    participation._history_user = membership.user
    participation.delete()


@transaction.atomic
def set_places(membership: Membership, project: Project,
               countries: list[tuple[Country, Decimal | None]],
               regions: list[tuple[str, Decimal | None]]) -> None:
    """Replace where the project works: countries and regions, with percentages that sum
    to 100 over both (or no percentages at all)."""
    access.require(membership, Action.CHANGE, project)
    problem = split_problem([p for _c, p in countries] + [p for _r, p in regions])
    if problem:
        raise ValidationError({"percentage": problem})
    if len({c.pk for c, _p in countries}) != len(countries) or \
            len({r for r, _p in regions}) != len(regions):
        raise ValidationError({"country": _("A country or region is given twice.")})
    for old in list(project.countries.all()) + list(project.regions.all()):
        old._history_user = membership.user
        old.delete()
    for country, share in countries:
        _save(membership, RecipientCountry(project=project, country=country,
                                           percentage=share))
    for code, share in regions:
        _save(membership, RecipientRegion(project=project, code=code, percentage=share))


@transaction.atomic
def set_sectors(membership: Membership, project: Project,
                sectors: list[tuple[str, Decimal | None]]) -> None:
    """Replace the project's DAC sectors (percentages sum to 100, or none given)."""
    access.require(membership, Action.CHANGE, project)
    problem = split_problem([p for _s, p in sectors])
    if problem:
        raise ValidationError({"percentage": problem})
    if len({s for s, _p in sectors}) != len(sectors):
        raise ValidationError({"code": _("A sector is given twice.")})
    for old in project.sectors.all():
        old._history_user = membership.user
        old.delete()
    for code, share in sectors:
        _save(membership, ProjectSector(project=project, code=code, percentage=share))


def _own_channel(membership: Membership, channel: FundingChannel | None) -> None:
    if channel is not None and channel.organisation_id != membership.organisation_id:
        raise ValidationError({"channel": _("Choose one of your organisation's channels.")})


@transaction.atomic
def add_agreement(membership: Membership, project: Project, *, year: int, number: str = "",
                  channel: FundingChannel | None = None, recipient: Partner | None = None,
                  title: str = "", carry_over: Decimal = Decimal("0")) -> Agreement:
    """A year's agreement; what it carries over may not exceed what the project had left
    the year before (committed and carried in, less disbursed)."""
    access.require(membership, Action.CHANGE, project)
    _own_channel(membership, channel)
    if carry_over and carry_over > totals.unused_before(project, year):
        raise ValidationError({"carry_over": _(
            "Only %(left)s %(currency)s was left unused in %(year)d.") % {
            "left": totals.unused_before(project, year), "currency": project.currency,
            "year": year - 1}})
    agreement = Agreement(project=project, year=year, number=number.strip(), channel=channel,
                          recipient=recipient, title=title.strip(), carry_over=carry_over)
    _save(membership, agreement)
    return agreement


def _belongs(project: Project, agreement: Agreement | None) -> None:
    if agreement is not None and agreement.project_id != project.pk:
        raise ValidationError({"agreement": _("An agreement of this project.")})


@transaction.atomic
def add_budget(membership: Membership, project: Project, **values) -> Budget:
    """A planned amount for a period (IATI budget)."""
    access.require(membership, Action.CHANGE, project)
    _belongs(project, values.get("agreement"))
    budget = Budget(project=project, **values)
    _save(membership, budget)
    return budget


@transaction.atomic
def add_transaction(membership: Membership, project: Project, **values) -> Transaction:
    """Money moving: a commitment, disbursement, expenditure, incoming funds … In another
    currency than the project's, say the exchange rate used, or it is not counted."""
    access.require(membership, Action.CHANGE, project)
    _belongs(project, values.get("agreement"))
    record = Transaction(project=project, **values)
    _save(membership, record)
    return record


@transaction.atomic
def add_channel(membership: Membership, *, name: str, kind: str,
                parent: FundingChannel | None = None) -> FundingChannel:
    """A unit of the member's organisation that money flows through."""
    access.require(membership, Action.CREATE, FundingChannel)
    _own_channel(membership, parent)
    if FundingChannel.objects.filter(organisation=membership.organisation, parent=parent,
                                     name=name.strip()).exists():
        raise ValidationError({"name": _("This unit exists already.")})
    channel = FundingChannel(organisation=membership.organisation, parent=parent,
                             name=name.strip(), kind=kind)
    _save(membership, channel)
    return channel


@transaction.atomic
def add_action_plan(membership: Membership, **values) -> ActionPlan:
    """A national action plan, configured by the member's organisation."""
    access.require(membership, Action.CREATE, ActionPlan)
    plan = ActionPlan(organisation=membership.organisation, **values)
    if ActionPlan.objects.filter(organisation=plan.organisation, name=plan.name).exists():
        raise ValidationError({"name": _("Your organisation has a plan of this name.")})
    _save(membership, plan)
    return plan


@transaction.atomic
def add_measure(membership: Membership, plan: ActionPlan, **values) -> Measure:
    """A measure of one of the organisation's action plans."""
    access.require(membership, Action.CHANGE, plan)
    if Measure.objects.filter(plan=plan, code=values.get("code")).exists():
        raise ValidationError({"code": _("The plan has a measure with this number.")})
    measure = Measure(plan=plan, **values)
    _save(membership, measure)
    return measure
