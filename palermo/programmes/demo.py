"""The demo's portfolio: seed 002's funding list (the Norwegian MFA's 2007 list of
counter-trafficking projects, data/NOTICE.md), imported through the funding-list import as
any user would import it — with every defect of the list reported on the way."""

from __future__ import annotations

from pathlib import Path

from palermo.core.models import Membership
from palermo.programmes import imports
from palermo.programmes.models import PortfolioImport, Project
from palermo.programmes.report import Report

SEED_LIST = Path(__file__).resolve().parent / "data" / "norad_2007_project_list.tsv"
# What the list does not say itself: its amounts are Norwegian kroner, and every project in
# it has trafficking as its main objective (DAC 15190: migration, including victims of
# trafficking). The year of the list (2007) is read from its title.
SEED_OPTIONS = {"currency": "NOK", "sector": "15190"}


def add_seed_portfolio(membership: Membership) -> Report | None:
    """Import the seed funding list for *membership*'s organisation (an M&E officer's
    membership), once: None when that organisation has imported it already."""
    if PortfolioImport.objects.filter(organisation=membership.organisation,
                                      filename=SEED_LIST.name,
                                      status=PortfolioImport.Status.IMPORTED).exists():
        return None
    return imports.run(membership, SEED_LIST.read_bytes(), SEED_LIST.name,
                       imports.FUNDING_LIST, SEED_OPTIONS, accept=True, channel="demo")


def summary() -> list[str]:
    """A line for ``palermo demo`` about the portfolio it holds."""
    projects = Project.objects.count()
    if not projects:
        return []
    return [f"Programmes: {projects} projects from the MFA's 2007 funding list, imported "
            "with its data-quality report (/programmes/; emre edits them acting for MFA "
            "Donor, dana reads what the MFA funds, chen all portfolios)."]
