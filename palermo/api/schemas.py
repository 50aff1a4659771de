"""Schemas of the API, and the bounded types every id, count and page parameter uses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

# The largest integer SQLite's INTEGER and PostgreSQL's bigint hold: every record id. A
# larger number is refused with 422 naming the parameter, never sent to the database
# (where it overflowed into a 500).
MAX_ID = 2**63 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID, description="A record id")]
# A page of a list: at most this many items (``limit``), from item ``offset``.
MAX_PAGE = 1000


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


CITIZENSHIPS = ("ISO 3166-1 alpha-3 country codes, the main citizenship (the one statistics "
                "count) first")
LANGUAGES = "ISO 639-3 language codes (equal to ISO 639-2/T for languages in ISO 639-2)"


class PersonSummary(Schema):
    id: int
    reference: str
    organisation_id: int
    gender: str
    citizenship_id: str | None = Field(None, description="The main citizenship")
    citizenships: list[str] = Field(..., description=CITIZENSHIPS)
    registered_at: dt.datetime


class PersonOut(PersonSummary):
    given_name: str
    middle_name: str
    family_name: str
    aliases: str
    birth_date: dt.date | None
    languages: list[str] = Field(..., description=LANGUAGES)
    education: str
    marital_status: str
    children: int | None
    phone: str
    email: str
    address: str
    identity_number: str
    merged_into_id: int | None
    erased_at: dt.datetime | None


class PersonDetails(Schema):
    """A person's details as a caseworker records them; omitted fields stay as they are."""

    given_name: str | None = Field(None, min_length=1, max_length=200)
    middle_name: str | None = Field(None, max_length=200)
    family_name: str | None = Field(None, max_length=200)
    aliases: str | None = Field(None, max_length=1000)
    birth_date: dt.date | None = None
    gender: str | None = None
    citizenships: list[str] | None = Field(None, description=CITIZENSHIPS)
    languages: list[str] | None = Field(None, description=LANGUAGES)
    education: str | None = None
    marital_status: str | None = None
    children: int | None = Field(None, ge=0, le=50)
    phone: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=1000)
    identity_number: str | None = Field(None, max_length=100)


class PersonIn(PersonDetails):
    given_name: str = Field(..., min_length=1, max_length=200)
    different_from: list[RecordId] = Field(
        default_factory=list,
        description="Candidates of the duplicate check (ids) that you looked at and know to be "
                    "someone else. Registration is refused with 409 while a candidate is not "
                    "listed here.")


class PersonChange(PersonDetails):
    reason: str = Field("", max_length=200, description="Why the details change (history)")


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
    citizenships: list[str] = Field(default_factory=list, description=CITIZENSHIPS)
    identity_number: str = ""
    phone: str = ""


class CandidateOut(Schema):
    person: PersonSummary
    matched: list[str]
    strong: bool


class PossibleDuplicatesOut(Schema):
    detail: str
    candidates: list[CandidateOut]


class MergeIn(Schema):
    duplicate_id: RecordId
    reason: str


class ErasureIn(Schema):
    reason: str = Field(..., min_length=3, max_length=200)
