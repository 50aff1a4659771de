"""What the pages, the API and the command line read: the projects a member may see, one
project with everything it holds, and the portfolio as a table (CSV, XLSX)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from palermo.core import access, spreadsheets
from palermo.core.access import Action
from palermo.core.models import Membership
from palermo.programmes import totals
from palermo.programmes.models import Agreement, Participation, Project, Transaction
from palermo.programmes.models.portfolio import FUNDING, IMPLEMENTING


def visible_projects(membership: Membership | None, search: str = "") -> QuerySet:
    """The projects *membership* may see (403 for roles that see none), optionally those
    whose title or number contains *search*."""
    access.require(membership, Action.VIEW, Project)
    projects = access.visible(membership, Project.objects.all()).select_related(
        "organisation")
    if search.strip():
        term = search.strip()
        projects = projects.filter(Q(title__icontains=term) | Q(own_number__icontains=term)
                                   | Q(iati_identifier__icontains=term))
    return projects.order_by("own_number", "title", "pk")


def visible_project(membership: Membership | None, pk: int) -> Project:
    """One project: 403 for roles that see none, 404 when it is not theirs to see."""
    return access.get_visible(membership, Project.objects.select_related("organisation"),
                              pk=pk)


def with_details(project: Project) -> Project:
    """The project with its parts loaded for one page or answer."""
    return (Project.objects.filter(pk=project.pk).select_related("organisation")
            .prefetch_related(
                Prefetch("participations", Participation.objects.select_related("partner")),
                "countries__country", "regions", "sectors", "measures__plan", "budgets",
                Prefetch("transactions", Transaction.objects.select_related(
                    "provider", "receiver", "agreement")),
                Prefetch("agreements", Agreement.objects.select_related(
                    "recipient", "channel__parent__parent__parent")))
            .get())


def _partners(project: Project, role: str) -> str:
    return "; ".join(p.partner.name for p in project.participations.all() if p.role == role)


def _places(project: Project) -> str:
    names = [c.country.name for c in project.countries.all()]
    return "; ".join(names + [r.label for r in project.regions.all()])


COLUMNS = ("number", "title", "kept_by", "status", "funders", "implementing", "places",
           "currency", "planned", "committed", "carried_over", "disbursed", "spent",
           "planned_not_committed", "committed_not_disbursed", "unconverted")


def headings() -> list[str]:
    return [_("Number"), _("Title"), _("Kept by"), _("Status"), _("Funders"),
            _("Implementing"), _("Countries and regions"), _("Currency"), _("Planned"),
            _("Committed"), _("Carried over"), _("Disbursed"), _("Spent"),
            _("Planned, not committed"), _("Committed, not disbursed"),
            _("Amounts not converted")]


def portfolio_rows(projects: QuerySet) -> tuple[list[list], dict[str, totals.Figures]]:
    """One row per project (numbers as numbers), and the totals per currency."""
    projects = projects.prefetch_related(
        Prefetch("participations", Participation.objects.select_related("partner")),
        "countries__country", "regions")
    figures = totals.portfolio(projects)
    rows = []
    for project, f in figures.rows:
        rows.append([project.own_number, project.title, str(project.organisation),
                     project.status_label, _partners(project, FUNDING),
                     _partners(project, IMPLEMENTING), _places(project), project.currency,
                     f.planned, f.committed, f.carried_over, f.disbursed, f.spent,
                     f.planned_not_committed, f.committed_not_disbursed, f.unconverted])
    return rows, figures.totals


def _total_rows(totals_by_currency: dict[str, totals.Figures]) -> list[list]:
    return [["", _("Total"), "", "", "", "", "", currency, f.planned, f.committed,
             f.carried_over, f.disbursed, f.spent, f.planned_not_committed,
             f.committed_not_disbursed, f.unconverted]
            for currency, f in sorted(totals_by_currency.items())]


def portfolio_csv(projects: QuerySet) -> bytes:
    """The portfolio table as CSV (UTF-8), with a total row per currency; text cells that a
    spreadsheet would run as a formula are neutralised (``core.spreadsheets``)."""
    rows, sums = portfolio_rows(projects)
    return spreadsheets.csv_bytes([headings(), *rows, *_total_rows(sums)])


def portfolio_xlsx(projects: QuerySet) -> bytes:
    """The portfolio table as XLSX: amounts as numbers, text as text, a total row per
    currency."""
    rows, sums = portfolio_rows(projects)
    return spreadsheets.xlsx_bytes([(str(_("Portfolio"))[:31],
                                     [headings(), *rows, *_total_rows(sums)])])
