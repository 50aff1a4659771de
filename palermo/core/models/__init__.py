"""Core models: who uses Palermo, on behalf of which organisation, and the reference data."""

from palermo.core.models.audit import AccessLog, AccountEvent
from palermo.core.models.jobs import Job
from palermo.core.models.keys import KeyringFingerprint
from palermo.core.models.people import ApiToken, Membership, Organisation, Role, User
from palermo.core.models.reference import Country, PicklistValue, Region

__all__ = [
    "AccessLog", "AccountEvent", "ApiToken", "Country", "Job", "KeyringFingerprint",
    "Membership", "Organisation", "PicklistValue", "Region", "Role", "User",
]
