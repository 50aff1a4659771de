"""Schemas of the programmes endpoints: projects (IATI activities), their parts and money,
partners, imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from palermo.api.schemas import RecordId


class FiguresOut(Schema):
    planned: Decimal
    committed: Decimal
    carried_over: Decimal
    disbursed: Decimal
    spent: Decimal
    received: Decimal
    pledged_in: Decimal
    unconverted: int
    planned_not_committed: Decimal
    committed_not_disbursed: Decimal
    disbursed_not_spent: Decimal


class ProjectSummary(Schema):
    id: int
    own_number: str
    iati_identifier: str
    title: str
    organisation: str
    status: str
    currency: str
    figures: FiguresOut


class PortfolioOut(Schema):
    projects: list[ProjectSummary]
    totals: dict[str, FiguresOut]


class ParticipationOut(Schema):
    id: int
    partner_id: int
    partner: str
    role: str


class ShareOut(Schema):
    code: str
    name: str
    percentage: Decimal | None


class AgreementOut(Schema):
    id: int
    number: str
    year: int
    channel: str
    recipient: str
    title: str
    carry_over: Decimal


class BudgetOut(Schema):
    id: int
    agreement_id: int | None
    type: str
    status: str
    period_start: dt.date
    period_end: dt.date
    value: Decimal
    currency: str
    value_date: dt.date
    exchange_rate: Decimal | None


class TransactionOut(Schema):
    id: int
    agreement_id: int | None
    type: str
    date: dt.date
    value: Decimal
    currency: str
    value_date: dt.date
    exchange_rate: Decimal | None
    provider_id: int | None
    receiver_id: int | None
    description: str
    ref: str


class YearOut(Schema):
    year: int
    figures: FiguresOut


class ProjectOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    iati_identifier: str
    own_number: str
    title: str
    description: str
    objective: str
    status: str
    planned_start: dt.date | None
    actual_start: dt.date | None
    planned_end: dt.date | None
    actual_end: dt.date | None
    currency: str
    four_ps: list[str]
    target_groups: list[str]
    exploitation_forms: list[str]
    measures: list[int]
    evaluation_status: str
    sampled_for_review: bool
    participations: list[ParticipationOut]
    countries: list[ShareOut]
    regions: list[ShareOut]
    sectors: list[ShareOut]
    agreements: list[AgreementOut]
    budgets: list[BudgetOut]
    transactions: list[TransactionOut]
    years: list[YearOut]
    figures: FiguresOut


class ProjectFields(Schema):
    """A project's own fields; on a change, only those sent are changed."""

    iati_identifier: str | None = None
    own_number: str | None = None
    title: str | None = None
    description: str | None = None
    objective: str | None = None
    status: str | None = None
    planned_start: dt.date | None = None
    actual_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_end: dt.date | None = None
    currency: str | None = None
    four_ps: list[str] | None = None
    target_groups: list[str] | None = None
    exploitation_forms: list[str] | None = None
    measures: list[int] | None = None
    evaluation_status: str | None = None
    sampled_for_review: bool | None = None


class ProjectIn(ProjectFields):
    title: str
    role: str  # the IATI role of the member's organisation in the project


class ParticipationIn(Schema):
    partner_id: RecordId
    role: str


class ShareIn(Schema):
    code: str  # a country (ISO 3166 alpha-3 or alpha-2), a region or a sector code
    percentage: Decimal | None = None


class PlacesIn(Schema):
    countries: list[ShareIn] = []
    regions: list[ShareIn] = []


class AgreementIn(Schema):
    year: int
    number: str = ""
    channel_id: RecordId | None = None
    recipient_id: RecordId | None = None
    title: str = ""
    carry_over: Decimal = Decimal("0")


class MoneyIn(Schema):
    value: Decimal
    currency: str
    value_date: dt.date
    exchange_rate: Decimal | None = None
    agreement_id: RecordId | None = None


class BudgetIn(MoneyIn):
    period_start: dt.date
    period_end: dt.date
    type: str = "1"
    status: str = "1"


class TransactionIn(MoneyIn):
    type: str
    date: dt.date
    provider_id: RecordId | None = None
    receiver_id: RecordId | None = None
    description: str = ""
    ref: str = ""


class PartnerOut(Schema):
    id: int
    name: str
    acronym: str
    type: str
    iati_ref: str
    organisation_id: int | None
    several: bool
    aliases: list[str]


class PartnerIn(Schema):
    name: str
    acronym: str = ""
    type: str = ""
    iati_ref: str = ""


class AliasIn(Schema):
    name: str


class FindingOut(Schema):
    kind: str
    severity: str
    rows: list[int]
    field: str
    value: str
    reason: str
    action: str


class ReportOut(Schema):
    kind: str
    filename: str
    sha256: str
    rows: int
    acceptable: bool
    imported: bool
    batch: int | None
    summary: str
    changes: dict[str, int]
    totals: dict[str, dict[str, str]]
    findings: list[FindingOut]
