"""Schemas of the case endpoints. Country fields are ISO 3166 alpha-3 codes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Schema

from palermo.api.schemas import RecordId
from palermo.cases import sharing


class CaseFields(Schema):
    client_category: str | None = None
    identified_on: dt.date | None = None
    identification_country_id: str | None = None
    identification_place: str | None = None
    identifying_agency: str | None = None
    trafficking_status: str | None = None
    status_decided_by: str | None = None
    trafficking_type: str | None = None
    origin_country_id: str | None = None
    transit_countries: list[str] | None = None
    exploitation_countries: list[str] | None = None
    exploitation_types: list[str] | None = None
    means_of_control: list[str] | None = None
    forced_labour_industries: list[str] | None = None
    sexual_exploitation_types: list[str] | None = None
    recruitment_methods: list[str] | None = None
    recruiter_relationship: str | None = None
    age_at_exploitation: int | None = None
    exploitation_months: int | None = None
    knew_risks: str | None = None
    awareness_sources: list[str] | None = None


class CaseIn(CaseFields):
    person_id: RecordId
    opened_on: dt.date = Field(default_factory=timezone.localdate,
                               description="The day the case is opened; today if not sent")


class CaseChange(CaseFields):
    version: int = Field(..., description="The version you loaded; 409 if it changed since")
    reason: str = ""
    status: str | None = None
    closure_reason: str | None = None


class CaseSummary(Schema):
    id: int
    number: str
    person_id: int
    organisation_id: int
    status: str
    client_category: str
    assigned_to_id: int | None
    opened_on: dt.date
    version: int


class CaseOut(CaseSummary, CaseFields):
    closed_on: dt.date | None
    closure_reason: str
    identity_shown: bool = Field(
        True, description="Whether the acting member sees the person's identity "
        "(GET /api/persons/{person_id}); false for a case received by referral once the "
        "consent to share it is no longer in force (docs/access.md)")
    identity_notice: str = Field("", description="Why the identity is not shown, if not")

    @staticmethod
    def resolve_identity_shown(obj, context) -> bool:
        return sharing.identity_of(_acting(context), obj).shown

    @staticmethod
    def resolve_identity_notice(obj, context) -> str:
        return sharing.identity_of(_acting(context), obj).notice


def _acting(context):
    """The membership the request acts for (None outside a request: nothing is shown)."""
    return getattr((context or {}).get("request"), "membership", None)


class Conflict(Schema):
    detail: str
    current: CaseOut


class FieldProblems(Schema):
    """A refused request: each refused field with its reasons (docs/api.md, Errors)."""

    detail: str
    fields: dict[str, list[str]]


# The name the endpoints import. The class keeps its own name in the OpenAPI description:
# another schema called ``Problems`` (the exchange's row problems) took its place there.
Problems = FieldProblems


class NoteIn(Schema):
    text: str = Field(..., min_length=1, max_length=20000)


class NoteOut(Schema):
    id: int
    author: str
    written_at: dt.datetime
    text: str


class EventIn(Schema):
    type: str
    country_id: str | None = None
    place: str = ""
    date: dt.date | None = None
    description: str = ""


class EventOut(EventIn):
    id: int


class ConsentIn(Schema):
    kind: str
    decision: str
    organisation_id: RecordId | None = None
    given_by: str = "person"
    guardian_name: str = ""
    decided_on: dt.date | None = None


class ConsentOut(ConsentIn):
    id: int
    recorded_at: dt.datetime


class ServiceIn(Schema):
    type: str
    provider_id: RecordId | None = None
    status: str = "planned"
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    cost: float | None = None
    currency: str = ""


class ServiceOut(ServiceIn):
    id: int


class FollowUpOut(Schema):
    id: int
    case_id: int
    due_on: dt.date
    months_after: int | None
    status: str
    done_on: dt.date | None
    living_situation: str
    income: str
    health: str
    safety: str
    retrafficked: str
    notes: str


class FollowUpIn(Schema):
    due_on: dt.date


class FollowUpRecord(Schema):
    status: str
    done_on: dt.date | None = None
    living_situation: str = ""
    income: str = ""
    health: str = ""
    safety: str = ""
    retrafficked: str = ""
    notes: str = ""
    satisfaction: dict[int, str] = Field(default_factory=dict,
                                         description="service id -> 1..5, Unknown, "
                                                     "DeclinedToAnswer")


class ReferralIn(Schema):
    to_organisation_id: RecordId
    reason: str
    requested_services: list[str] = Field(default_factory=list)
    details: str = ""


class ReferralOut(Schema):
    id: int
    case_id: int
    from_organisation_id: int
    to_organisation_id: int
    reason: str
    requested_services: list[str]
    details: str
    status: str
    sent_at: dt.datetime
    decided_at: dt.datetime | None
    shares_identity: bool


class Decision(Schema):
    reason: str = ""
    open_case: bool = True


class ScreeningIn(Schema):
    answers: dict[str, str] = Field(..., description="indicator -> yes, no, unknown, declined")
    decision: str
    age: int | None = None
    age_declined: bool = False
    differing_reason: str = ""


class ScreeningOut(Schema):
    id: int
    case_id: int
    answers: dict[str, str]
    age: int | None
    recommendation: str
    reasons: list[str]
    decision: str
    approval: str
    decided_at: dt.datetime
    approved_at: dt.datetime | None


class Review(Schema):
    comment: str = ""


class ReturnStart(Schema):
    country_id: str
    budget: float = 0
    currency: str = "EUR"


class ReturnOut(Schema):
    id: int
    case_id: int
    country_id: str
    step: str
    safety: str
    hold_cleared: bool
    travel_on: dt.date | None
    arrived_on: dt.date | None
    unable_reason: str
    budget: float
    currency: str
    balance: float


class Advance(Schema):
    step: str
    safety: str | None = None
    safety_assessed_by_id: RecordId | None = None
    best_interests_done_on: dt.date | None = None
    guardian_involved: bool | None = None
    child_protection_involved: bool | None = None
    hold_cleared: bool | None = None
    travel_on: dt.date | None = None
    arrived_on: dt.date | None = None
    unable_reason: str | None = None


class PlanIn(Schema):
    objectives: str | None = None
    types: list[str] | None = None
    planned_end: dt.date | None = None
    actual_end: dt.date | None = None


class PlanOut(Schema):
    objectives: str
    types: list[str]
    planned_end: dt.date
    actual_end: dt.date | None


class DisbursementIn(Schema):
    amount: float
    kind: str
    purpose: str
    paid_on: dt.date | None = None
    override_reason: str = ""


class DisbursementOut(Schema):
    id: int
    paid_on: dt.date
    amount: float
    kind: str
    purpose: str
    override_reason: str
    receipt_name: str = Field("", description="File name of the receipt; empty when none. "
                              "The file itself: GET …/disbursements/{id}/receipt")
