"""Case-module models: the person, the case and its parts, and the de-identified facts."""

from palermo.cases.models.assistance import Consent, Service
from palermo.cases.models.case import (
    Case,
    CaseNote,
    ClientCategory,
    DataSource,
    TraffickingEvent,
)
from palermo.cases.models.fact import CaseFact
from palermo.cases.models.followup import FollowUp, ServiceFeedback
from palermo.cases.models.interview import CaseInterview
from palermo.cases.models.person import NAME_SOURCES, Person, PersonQuerySet
from palermo.cases.models.referral import Referral
from palermo.cases.models.returns import (
    Disbursement,
    ReintegrationAction,
    ReintegrationPlan,
    Return,
)
from palermo.cases.models.screening import Screening

__all__ = [
    "Case", "CaseFact", "CaseInterview", "CaseNote", "ClientCategory", "Consent",
    "DataSource", "Disbursement", "FollowUp", "NAME_SOURCES", "Person", "PersonQuerySet",
    "Referral", "ReintegrationAction", "ReintegrationPlan", "Return", "Screening", "Service",
    "ServiceFeedback", "TraffickingEvent",
]
