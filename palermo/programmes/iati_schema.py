"""Checking IATI activity XML against the shipped IATI 2.03 schema and codelists, with the
element, line and reason of every breach. Parsing never fetches anything (no network, no
external entities)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from palermo.core.reference_data import read_countries
from palermo.programmes import codelists as cl

SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "iati" / "iati-activities-schema.xsd"
VERSION = "2.03"
PALERMO_NS = "https://palermo.dev/iati-extension/1"
P = "{" + PALERMO_NS + "}"  # Palermo's elements and attributes, in lxml's notation
BUDGET_STATUSES = {"1", "2"}


@dataclass(frozen=True)
class Breach:
    """Where an IATI file is wrong: the line, the element (as a path), and why."""

    line: int
    element: str
    reason: str
    kind: str = "schema"  # "schema" | "codelist" | "invalid_value"

    def __str__(self) -> str:
        return f"line {self.line}: {self.element}: {self.reason}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=False)


@cache
def schema() -> etree.XMLSchema:
    """The IATI 2.03 activity schema (it includes iati-common.xsd and imports xml.xsd, all
    shipped beside it)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), _parser()))


def parse(content: bytes) -> etree._ElementTree:
    """The XML tree of *content*; raises ``etree.XMLSyntaxError`` with the line."""
    return etree.ElementTree(etree.fromstring(content, _parser()))


def path_of(element: etree._Element) -> str:
    """A readable path: iati-activity[3]/transaction[2]/value."""
    parts = []
    node = element
    while node is not None and isinstance(node.tag, str):
        parent = node.getparent()
        name = etree.QName(node).localname
        if parent is not None and name not in ("iati-activities",):
            same = [c for c in parent if c.tag == node.tag]
            parts.append(f"{name}[{same.index(node) + 1}]" if len(same) > 1 else name)
        elif parent is None and name != "iati-activities":
            parts.append(name)
        node = parent
    return "/".join(reversed(parts)) or "iati-activities"


def schema_breaches(tree: etree._ElementTree) -> list[Breach]:
    """What the XSD refuses, line by line."""
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        return [Breach(1, "!DOCTYPE", _("A document type declaration (with entities) is not "
                                        "allowed in an IATI file."))]
    checker = schema()
    try:
        if checker.validate(tree):
            return []
    except etree.Error as exc:
        return [Breach(1, "iati-activities", _("The file cannot be validated: %(error)s")
                       % {"error": exc})]
    breaches = []
    for error in checker.error_log:
        element = error.path.replace("/iati-activities/", "").lstrip("/") or "iati-activities"
        reason = error.message.replace("{" + PALERMO_NS + "}", "palermo:")
        breaches.append(Breach(error.line, element, reason))
    return breaches


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(c["alpha2"] for c in read_countries())


# (element, attribute, codelist) — the codes of the activities' elements checked on import.
CHECKS = (
    ("activity-status", "code", cl.ACTIVITY_STATUS),
    ("activity-date", "type", cl.ACTIVITY_DATE_TYPE),
    ("participating-org", "role", cl.ORGANISATION_ROLE),
    ("participating-org", "type", cl.ORGANISATION_TYPE),
    ("reporting-org", "type", cl.ORGANISATION_TYPE),
    ("transaction/provider-org", "type", cl.ORGANISATION_TYPE),
    ("transaction/receiver-org", "type", cl.ORGANISATION_TYPE),
    ("transaction/transaction-type", "code", cl.TRANSACTION_TYPE),
    ("budget", "type", cl.BUDGET_TYPE),
    ("sector", "vocabulary", cl.SECTOR_VOCABULARY),
)


def codelist_breaches(tree: etree._ElementTree) -> list[Breach]:
    """Codes the shipped codelists (and ISO 3166 for countries) do not know."""
    root = tree.getroot()
    breaches: list[Breach] = []

    def refuse(element, attribute: str, value: str, codelist: str) -> None:
        breaches.append(Breach(element.sourceline or 0, f"{path_of(element)}/@{attribute}",
                               _("“%(value)s” is not a code of the IATI %(codelist)s "
                                 "codelist.") % {"value": value, "codelist": codelist},
                               "codelist"))

    if root.get("version") not in (None, VERSION):
        breaches.append(Breach(root.sourceline or 0, "iati-activities/@version",
                               _("Version %(v)s: Palermo reads IATI %(ours)s.")
                               % {"v": root.get("version"), "ours": VERSION}, "codelist"))
    for activity in root.iter("iati-activity"):
        for path, attribute, codelist in CHECKS:
            for element in activity.iterfind(path):
                value = element.get(attribute)
                if value is not None and not cl.is_code(codelist, value):
                    refuse(element, attribute, value, codelist)
        for element in activity.iterfind("sector"):
            if element.get("vocabulary", "1") == "1" and \
                    not cl.is_code(cl.SECTOR, element.get("code")):
                refuse(element, "code", element.get("code"), cl.SECTOR)
        for element in activity.iterfind("recipient-region"):
            if element.get("vocabulary", "1") == "1" and \
                    not cl.is_code(cl.REGION, element.get("code")):
                refuse(element, "code", element.get("code"), cl.REGION)
        for element in activity.iterfind("recipient-country"):
            if element.get("code") not in _country_codes():
                breaches.append(Breach(element.sourceline or 0, f"{path_of(element)}/@code",
                                       _("“%(value)s” is not an ISO 3166 country code.")
                                       % {"value": element.get("code")}, "codelist"))
        for element in activity.iterfind("budget"):
            if element.get("status") not in (None, *BUDGET_STATUSES):
                refuse(element, "status", element.get("status"), "BudgetStatus")
        currencies = [(activity, "default-currency")] + [
            (v, "currency") for v in activity.iter("value")]
        for element, attribute in currencies:
            value = element.get(attribute)
            if value is not None and not cl.is_code(cl.CURRENCY, value):
                refuse(element, attribute, value, cl.CURRENCY)
    return breaches
