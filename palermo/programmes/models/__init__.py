"""The programmes module's records: projects (IATI activities), money, partners, the
configuration a portfolio is classified by, and imports."""

from palermo.programmes.models.imports import PortfolioImport
from palermo.programmes.models.money import Agreement, Budget, Transaction
from palermo.programmes.models.partners import Partner, PartnerAlias
from palermo.programmes.models.portfolio import (
    EvaluationStatus,
    FourP,
    Participation,
    Project,
    ProjectSector,
    RecipientCountry,
    RecipientRegion,
    TargetGroup,
)
from palermo.programmes.models.setup import ActionPlan, FundingChannel, Measure

__all__ = [
    "ActionPlan", "Agreement", "Budget", "EvaluationStatus", "FourP", "FundingChannel",
    "Measure", "Participation", "Partner", "PartnerAlias", "PortfolioImport", "Project",
    "ProjectSector", "RecipientCountry", "RecipientRegion", "TargetGroup", "Transaction",
]
