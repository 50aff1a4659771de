"""The HTCDS layout: files in the shape of the HTCDS spreadsheet (one row per case).

Column names, labels and types come from the HTCDS Field Standards 2.0 (IOM, CC BY 4.0),
copied into ``data/htcds_fields.csv``; the aliases that real files need (typos of the
published spreadsheet, names used by other systems) are in ``data/htcds_aliases.csv``. Where
each field goes in Palermo is the table :data:`TARGETS` below; fields Palermo does not keep
are read, reported once as "not imported" and left out. ``docs/import.md`` lists them all.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

from palermo.cases.models import DataSource
from palermo.exchange.fields import column, model_field
from palermo.exchange.importing import Layout, Record, run
from palermo.exchange.validation import (
    CellError,
    Column,
    Problem,
    normalise_header,
    parse_country,
)

DATA = Path(__file__).parent / "data"

# HTCDS field -> Palermo field ("person.x", "case.x"); the value is read as that field reads.
TARGETS = {
    "cas_CaseOwner": "case.assigned_to",
    "prs_FirstName": "person.given_name",
    "prs_MiddleName": "person.middle_name",
    "prs_SecondName": "person.family_name",
    "prs_Birthdate": "person.birth_date",
    "prs_Gender": "person.gender",
    "prs_MaritalStatus": "person.marital_status",
    "prs_NumberOfChildren": "person.children",
    "prs_HighestLevelOfEducation": "person.education",
    "prs_IdentityNumber": "person.identity_number",
    "prs_Email": "person.email",
    "vic_TraffickingStatus": "case.trafficking_status",
    "vic_TraffickingStatusDecisionMakingOrg": "case.status_decided_by",
    "vic_RelationshipToTrafficker": "case.recruiter_relationship",
    "vic_AgeWhenTrafficked": "case.age_at_exploitation",
    "vic_MethodOfRecruitment": "case.recruitment_methods",
    "vic_MethodsOfControl": "case.means_of_control",
    "vic_TypeOfExploitation": "case.exploitation_types",
    "vic_ForcedLabourIndustry": "case.forced_labour_industries",
    "vic_TypeOfSexExploitation": "case.sexual_exploitation_types",
    "cas_Status": "case.status",
    "cas_ReasonForCaseClosure": "case.closure_reason",
    "cas_IncomingReferralDate": "case.opened_on",
    "hte_Type": "event.type",
    "hte_Country": "event.country",
    "hte_Date": "event.date",
    "hte_Description": "event.description",
}
# Fields combined into one Palermo field, read as text (or as countries, languages).
COMBINED = {
    "prs_Citizenship": ("person.citizenship", "countries"),
    "prs_PrimaryLanguage": ("person.languages", "codes"),
    "prs_SecondaryLanguage": ("person.languages", "codes"),
    "prs_MobilePhone": ("person.phone", "text"),
    "prs_HomePhone": ("person.phone", "text"),
    "prs_MailingStreet": ("person.address", "text"),
    "prs_MailingCity": ("person.address", "text"),
    "prs_MailingState": ("person.address", "text"),
    "prs_MailingPostalCode": ("person.address", "text"),
    "prs_MailingCountry": ("person.address", "text"),
    "vic_LocationOfRecruitment": ("event.place", "text"),
    "vic_LocationOfExploitation": ("event.place", "text"),
    "hte_City": ("event.place", "text"),
}
ADDRESS = ("prs_MailingStreet", "prs_MailingCity", "prs_MailingState", "prs_MailingPostalCode",
           "prs_MailingCountry")


@lru_cache(maxsize=1)
def htcds_fields() -> list[dict[str, str]]:
    """The HTCDS 2.0 fields: field, label, type, core, section."""
    with (DATA / "htcds_fields.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def htcds_aliases() -> dict[str, list[str]]:
    """field -> the other headers that name it."""
    aliases: dict[str, list[str]] = {}
    with (DATA / "htcds_aliases.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            aliases.setdefault(row["field"], []).append(row["alias"])
    return aliases


def _unique_labels() -> dict[str, str]:
    counts: dict[str, list[str]] = {}
    for row in htcds_fields():
        counts.setdefault(normalise_header(row["label"]), []).append(row["field"])
    return {fields[0]: label for label, fields in counts.items() if len(fields) == 1}


@lru_cache(maxsize=1)
def columns() -> tuple[Column, ...]:
    """Every HTCDS field as an import column."""
    labels = {row["field"]: row["label"] for row in htcds_fields()}
    unique = _unique_labels()
    result = []
    for row in htcds_fields():
        name = row["field"]
        aliases = tuple(htcds_aliases().get(name, [])) + ((labels[name],) if name in unique
                                                          else ())
        if name in TARGETS:
            # An event's type is needed only when the row describes an event.
            col = column(name, TARGETS[name], label=labels[name], aliases=aliases,
                         **({"required": False} if name.startswith("hte_") else {}),
                         # A file from another system names its own caseworkers: the
                         # case then goes to the importing supervisor.
                         soft=name == "cas_CaseOwner")
        elif name in COMBINED:
            target, kind = COMBINED[name]
            options = column("x", target).options if kind == "codes" else ()
            field = model_field(target)
            # Each part of a combined field may be as long as the field (the joined address
            # is checked against it again by the model).
            col = Column(key=name, target=target, kind=kind, label=labels[name],
                         aliases=aliases, options=options,
                         identifying=bool(getattr(field, "encrypted", False)),
                         max_length=getattr(field, "max_length", None) or 200)
        else:
            col = Column(key=name, target="", kind="unused", label=labels[name],
                         aliases=aliases)
        result.append(col)
    return tuple(result)


class HtcdsLayout(Layout):
    name = "htcds"
    title = _("HTCDS spreadsheet")

    @property
    def columns(self) -> tuple[Column, ...]:  # type: ignore[override]
        return columns()

    def to_record(self, row: int, cells: dict, written: dict[str, str]
                  ) -> tuple[Record | None, list[Problem]]:
        """A row's parsed cells as a person, a case and its events."""
        problems: list[Problem] = []
        # Set by the channel (not a column): the tables can be filtered by how cases came in.
        person, case, event = {}, {"data_source": DataSource.HTCDS_IMPORT.value}, {}
        for key, value in cells.items():
            target = TARGETS.get(key)
            if target is None:
                continue
            record, name = target.split(".", 1)
            {"person": person, "case": case, "event": event}[record][
                name + ("_id" if name in ("assigned_to", "country") else "")] = value
        citizenships = cells.get("prs_Citizenship") or []
        if citizenships:
            person["citizenship_id"] = citizenships[0]
            if len(citizenships) > 1:
                person["other_citizenships"] = citizenships[1:]
        languages = list(dict.fromkeys((cells.get("prs_PrimaryLanguage") or [])
                                       + (cells.get("prs_SecondaryLanguage") or [])))
        if languages:
            person["languages"] = languages
        phones = [cells[k] for k in ("prs_MobilePhone", "prs_HomePhone") if cells.get(k)]
        if phones:
            person["phone"] = phones[0]
            if len(phones) > 1 and phones[1] != phones[0]:
                problems.append(Problem(row, written["prs_HomePhone"], _(
                    "Not kept: Palermo keeps one phone number (the mobile one).")
                    , severity="warning"))
        address = [str(cells[k]) for k in ADDRESS if cells.get(k)]
        if address:
            person["address"] = ", ".join(address)
        events = self._events(row, cells, case, event, written, problems)
        return Record(row=row, person=person, case=case, events=events), problems

    @staticmethod
    def _events(row, cells, case, event, written, problems) -> list[dict]:
        events = []
        for key, kind in (("vic_LocationOfRecruitment", "Recruitment"),
                          ("vic_LocationOfExploitation", "Exploitation")):
            place = cells.get(key)
            if not place:
                continue
            found = {"type": kind, "place": place[:120]}
            try:  # a location that is a country also says where
                found["country_id"] = parse_country(place)
                if kind == "Exploitation":
                    case.setdefault("exploitation_countries", [found["country_id"]])
            except CellError:
                pass
            events.append(found)
        if event or cells.get("hte_City"):
            if "type" not in event:
                problems.append(Problem(row, written.get("hte_Date", "hte_Type"),
                                        _("Say which kind of event this is (hte_Type).")))
            event["place"] = (cells.get("hte_City") or "")[:120]
            events.append(event)
        return events


LAYOUT = HtcdsLayout()


def import_htcds(membership, content: bytes, filename: str, **options):
    """Import an HTCDS file (CSV, XLSX or JSON); see :func:`palermo.exchange.importing.run`."""
    return run(membership, content, filename, LAYOUT, **options)
