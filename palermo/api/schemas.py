"""Response schemas of the API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class Health(Schema):
    status: str
    database: str
    version: str


class MembershipOut(Schema):
    organisation_id: int
    organisation: str
    role: str


class Me(Schema):
    username: str
    acting_for: MembershipOut


class PersonSummary(Schema):
    id: int
    reference: str
    organisation_id: int
    gender: str
    citizenship_id: str | None
    registered_at: dt.datetime


class PersonOut(PersonSummary):
    given_name: str
    middle_name: str
    family_name: str
    aliases: str
    birth_date: dt.date | None
    phone: str
    email: str
    address: str
    identity_number: str


class PersonSearch(Schema):
    q: str = Field(..., max_length=200, description="Full name, identity number or phone")


class FieldChangeOut(Schema):
    at: dt.datetime
    by: str
    action: str
    field: str
    label: str
    old: str
    new: str
    reason: str


class Error(Schema):
    detail: str


class DuplicateQuery(Schema):
    given_name: str = ""
    middle_name: str = ""
    family_name: str = ""
    birth_date: dt.date | None = None
    citizenship_id: str | None = None
    identity_number: str = ""
    phone: str = ""


class CandidateOut(Schema):
    person: PersonSummary
    matched: list[str]
    strong: bool


class MergeIn(Schema):
    duplicate_id: int
    reason: str


class ErasureIn(Schema):
    reason: str = Field(..., min_length=3, max_length=200)
