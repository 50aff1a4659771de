"""The money of projects and portfolios, reconciled: what was planned (budgets), committed,
carried over, disbursed and spent, in each project's currency — and the differences between
them, shown rather than smoothed away (seed 002, footnotes 8–9: totals deviate "between
planned and actual spending"). An amount in another currency without the exchange rate used
is not converted by guess: it is left out of the sums and counted as unconverted."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Case, Count, F, Q, Sum, Value, When

from palermo.programmes.models import Agreement, Budget, Project, Transaction
from palermo.programmes.models.money import (
    COMMITMENT,
    DISBURSEMENT,
    EXPENDITURE,
    INCOMING_COMMITMENT,
    INCOMING_FUNDS,
)

CENT = Decimal("0.01")
ZERO = Decimal("0")
BY_TYPE = {COMMITMENT: "committed", DISBURSEMENT: "disbursed", EXPENDITURE: "spent",
           INCOMING_FUNDS: "received", INCOMING_COMMITMENT: "pledged_in"}


@dataclass
class Figures:
    """One project's (or year's, or portfolio's) money in one currency."""

    planned: Decimal = ZERO
    committed: Decimal = ZERO
    carried_over: Decimal = ZERO
    disbursed: Decimal = ZERO
    spent: Decimal = ZERO
    received: Decimal = ZERO
    pledged_in: Decimal = ZERO
    unconverted: int = 0  # amounts left out: another currency and no exchange rate

    @property
    def planned_not_committed(self) -> Decimal:
        return self.planned - self.committed

    @property
    def committed_not_disbursed(self) -> Decimal:
        return self.committed + self.carried_over - self.disbursed

    @property
    def disbursed_not_spent(self) -> Decimal:
        return self.disbursed - self.spent

    def add(self, other: Figures) -> None:
        for name in ("planned", "committed", "carried_over", "disbursed", "spent",
                     "received", "pledged_in", "unconverted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def rounded(self) -> Figures:
        return Figures(**{name: (value.quantize(CENT) if isinstance(value, Decimal) else value)
                          for name, value in vars(self).items()})

    def as_dict(self) -> dict:
        data = {k: str(v) if isinstance(v, Decimal) else v for k, v in vars(self).items()}
        data.update(planned_not_committed=str(self.planned_not_committed),
                    committed_not_disbursed=str(self.committed_not_disbursed),
                    disbursed_not_spent=str(self.disbursed_not_spent))
        return data


def in_project_currency(value: Decimal, currency: str, rate: Decimal | None,
                        project_currency: str) -> Decimal | None:
    """*value* in the project's currency, or None when it cannot be converted honestly."""
    if currency == project_currency:
        return value
    return value * rate if rate is not None else None


def _converted(prefix: str = "") -> Case:
    return Case(When(currency=F(f"{prefix}project__currency"), then=F("value")),
                When(exchange_rate__isnull=False, then=F("value") * F("exchange_rate")),
                default=Value(None),
                output_field=models.DecimalField(max_digits=36, decimal_places=10))


_UNCONVERTED = Count("id", filter=~Q(currency=F("project__currency"))
                     & Q(exchange_rate__isnull=True))


def by_project(projects: models.QuerySet) -> dict[int, Figures]:
    """Each project's figures (in its own currency), three aggregate queries in all."""
    figures: dict[int, Figures] = defaultdict(Figures)
    ids = projects.values("pk")
    for row in (Transaction.objects.filter(project__in=ids).values("project_id", "type")
                .annotate(total=Sum(_converted()), unconverted=_UNCONVERTED)):
        target = figures[row["project_id"]]
        name = BY_TYPE.get(row["type"])
        if name is not None:
            setattr(target, name, getattr(target, name) + (row["total"] or ZERO))
            target.unconverted += row["unconverted"]
    for row in (Budget.objects.filter(project__in=ids).values("project_id")
                .annotate(total=Sum(_converted()), unconverted=_UNCONVERTED)):
        figures[row["project_id"]].planned += row["total"] or ZERO
        figures[row["project_id"]].unconverted += row["unconverted"]
    for row in (Agreement.objects.filter(project__in=ids).values("project_id")
                .annotate(total=Sum("carry_over"))):
        figures[row["project_id"]].carried_over += row["total"] or ZERO
    return {pk: f.rounded() for pk, f in figures.items()}


@dataclass
class Portfolio:
    """A list of projects with their figures, and the totals per currency (projects kept in
    different currencies are never added together)."""

    rows: list[tuple[Project, Figures]] = field(default_factory=list)
    totals: dict[str, Figures] = field(default_factory=dict)


def portfolio(projects: models.QuerySet) -> Portfolio:
    """The figures of every project in *projects*, and their totals per currency."""
    figures = by_project(projects)
    result = Portfolio()
    for project in projects:
        own = figures.get(project.pk, Figures())
        result.rows.append((project, own))
        result.totals.setdefault(project.currency, Figures()).add(own)
    return result


def by_year(project: Project) -> list[tuple[int, Figures]]:
    """A project's figures year by year (budgets by the year their period starts,
    transactions by their date, carry-over by the agreement's year), and no year hidden."""
    years: dict[int, Figures] = defaultdict(Figures)
    currency = project.currency
    for t in project.transactions.all():
        name = BY_TYPE.get(t.type)
        if name is None:
            continue
        value = in_project_currency(t.value, t.currency, t.exchange_rate, currency)
        target = years[t.date.year]
        if value is None:
            target.unconverted += 1
        else:
            setattr(target, name, getattr(target, name) + value)
    for b in project.budgets.all():
        value = in_project_currency(b.value, b.currency, b.exchange_rate, currency)
        if value is None:
            years[b.period_start.year].unconverted += 1
        else:
            years[b.period_start.year].planned += value
    for a in project.agreements.all():
        if a.carry_over:
            years[a.year].carried_over += a.carry_over
    return [(year, years[year].rounded()) for year in sorted(years)]


def total(rows: list[tuple[int, Figures]]) -> Figures:
    """The sum of a project's years: the same as its figures in :func:`by_project`."""
    result = Figures()
    for _year, figures in rows:
        result.add(figures)
    return result.rounded()


def unused_before(project: Project, year: int) -> Decimal:
    """What the project had left the year before *year* (committed and carried in, less
    disbursed): the most that may be carried over into *year*."""
    for earlier, figures in by_year(project):
        if earlier == year - 1:
            return figures.committed_not_disbursed
    return ZERO
