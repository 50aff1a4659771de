"""Writing an accepted funding-list plan: partners and aliases, funding channels, projects,
agreements and their money — in the caller's transaction, recorded in the history as the
importing member's changes. What exists already is left as it is (a re-import of the same
list writes nothing)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from palermo.core.models import Membership
from palermo.programmes import partners
from palermo.programmes.funding_plan import Plan, PlannedAgreement, PlannedProject, money_of
from palermo.programmes.models import (
    Agreement,
    Budget,
    FundingChannel,
    Participation,
    Partner,
    Project,
    ProjectSector,
    RecipientCountry,
    RecipientRegion,
    Transaction,
)
from palermo.programmes.models.money import COMMITMENT
from palermo.programmes.models.portfolio import FUNDING, IMPLEMENTING
from palermo.programmes.names import name_key


class Writer:
    """Writes one plan for one member; counts what it wrote."""

    def __init__(self, membership: Membership, plan: Plan) -> None:  # or an IatiPlan
        self.membership, self.plan = membership, plan
        self.written: Counter = Counter()
        self.channels: dict[tuple, FundingChannel] = {}
        self.partners: dict[str, Partner] = {}

    def save(self, record) -> None:
        """Validate and save one record. The references it holds were just read or written
        by this import, and the database enforces the unique constraints: validating them
        again would cost a query each (a 188-row list took 6,000 queries)."""
        record._history_user = self.membership.user
        references = [f.name for f in record._meta.concrete_fields if f.is_relation]
        record.full_clean(exclude=references, validate_constraints=False)
        record.save()
        self.written[type(record).__name__] += 1

    def run(self) -> Counter:
        self.funder = partners.entry_for(self.membership, self.plan.organisation)
        for key, match in self.plan.matches.items():
            self.partners[key] = self._partner(match)
        for project in self.plan.projects:
            self._project(project)
        return self.written

    def _partner(self, match: partners.Match) -> Partner:
        if match.known:
            return match.partner
        if match.how == "proposed":
            partners.add_alias(self.membership, match.partner, match.written)
            self.written["PartnerAlias"] += 1
            return match.partner
        existing = Partner.objects.filter(name=match.written).first()
        if existing is not None:
            return existing
        self.written["Partner"] += 1
        return partners.add_partner(self.membership, name=match.written)

    def _channel(self, path: list[tuple[str, str]]) -> FundingChannel | None:
        parent = None
        for depth in range(len(path)):
            key = tuple(n for n, _k in path[:depth + 1])
            if key not in self.channels:
                name, kind = path[depth]
                found = FundingChannel.objects.filter(
                    organisation=self.plan.organisation, parent=parent, name=name).first()
                if found is None:
                    found = FundingChannel(organisation=self.plan.organisation,
                                           parent=parent, name=name, kind=kind)
                    self.save(found)
                self.channels[key] = found
            parent = self.channels[key]
        return parent

    def _project(self, planned: PlannedProject) -> None:
        project, new = planned.existing, planned.existing is None
        if new:
            project = self._new_project(planned)
        self._participate(project, self.funder, FUNDING, new)
        for match in planned.recipients:
            self._participate(project, self.partners[name_key(match.written)], IMPLEMENTING,
                              new)
        for agreement in planned.agreements:
            self._agreement(project, agreement)

    def _new_project(self, planned: PlannedProject) -> Project:
        years = [r.year for r in planned.rows]
        list_year = self.plan.options.list_year
        project = Project(
            organisation=self.plan.organisation, own_number=planned.number,
            title=planned.title[:300], currency=self.plan.currency,
            planned_start=dt.date(min(years), 1, 1), planned_end=dt.date(max(years), 12, 31),
            status="4" if list_year is not None and max(years) < list_year else "2")
        self.save(project)
        for place, share in planned.shares.items():
            if place.kind == "country":
                self.save(RecipientCountry(project=project, country_id=place.code,
                                           percentage=share))
            else:
                self.save(RecipientRegion(project=project, code=place.code,
                                          percentage=share))
        if self.plan.options.sector:
            self.save(ProjectSector(project=project, code=self.plan.options.sector))
        return project

    def _participate(self, project: Project, partner: Partner, role: str,
                     new: bool = False) -> None:
        if new or not Participation.objects.filter(project=project, partner=partner,
                                                   role=role).exists():
            self.save(Participation(project=project, partner=partner, role=role))

    def _agreement(self, project: Project, planned: PlannedAgreement) -> None:
        row, amount = planned.row, planned.row.amount
        agreement = planned.existing
        if agreement is not None and money_of(agreement, planned.planned,
                                              self.plan.currency) == amount:
            return
        receiver = (self.partners[name_key(row.recipients[0].written)]
                    if row.recipients else None)
        new = agreement is None
        if new:
            agreement = Agreement(project=project, number=row.number, year=row.year,
                                  channel=self._channel(planned.path), recipient=receiver,
                                  title=row.title[:300], source_key=planned.key)
            self.save(agreement)
        if amount is None:
            return
        if planned.planned:
            self._budget(agreement, amount, new)
        else:
            self._commitment(agreement, amount, receiver, new)

    def _budget(self, agreement: Agreement, amount, new: bool) -> None:
        """The agreement's planned budget: added, or (the list changed) its amount set."""
        budget = (None if new else agreement.budgets.first()) or Budget(
            project=agreement.project, agreement=agreement,
            period_start=dt.date(agreement.year, 1, 1),
            period_end=dt.date(agreement.year, 12, 31), currency=self.plan.currency,
            value_date=dt.date(agreement.year, 1, 1))
        budget.value, budget.currency = amount, self.plan.currency
        self.save(budget)

    def _commitment(self, agreement: Agreement, amount, receiver: Partner | None,
                    new: bool) -> None:
        """The agreement's commitment: added, or (the list changed) its amount set."""
        commitment = (None if new else agreement.transactions.filter(
            type=COMMITMENT).first()) or Transaction(
            project=agreement.project, agreement=agreement, type=COMMITMENT,
            date=dt.date(agreement.year, 1, 1), currency=self.plan.currency,
            value_date=dt.date(agreement.year, 1, 1), provider=self.funder,
            receiver=receiver, ref=agreement.number, description=agreement.title[:300])
        commitment.value, commitment.currency = amount, self.plan.currency
        self.save(commitment)
