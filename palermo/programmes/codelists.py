"""The IATI codelists shipped in ``data/iati/codelists`` (see data/NOTICE.md): codes, names in
English and French, and whether a code is withdrawn.

Models use :func:`choices` (a callable, so the codelists are read once, when first needed);
the IATI import checks codes with :func:`is_code`; pages show :func:`label`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

CODELISTS = Path(__file__).resolve().parent / "data" / "iati" / "codelists"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The codelists an IATI activity's elements and attributes are checked against on import.
ACTIVITY_STATUS = "ActivityStatus"
ACTIVITY_DATE_TYPE = "ActivityDateType"
ORGANISATION_ROLE = "OrganisationRole"
ORGANISATION_TYPE = "OrganisationType"
TRANSACTION_TYPE = "TransactionType"
BUDGET_TYPE = "BudgetType"
SECTOR = "Sector"
SECTOR_VOCABULARY = "SectorVocabulary"
REGION = "Region"
CURRENCY = "Currency"


@dataclass(frozen=True)
class Code:
    code: str
    names: dict[str, str]  # language -> name
    withdrawn: bool = False

    def name(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        return self.names.get(language) or self.names.get("en") or self.code


@cache
def codelist(name: str) -> dict[str, Code]:
    """Every code of the IATI codelist *name*, in the file's order."""
    from lxml import etree

    root = etree.parse(str(CODELISTS / f"{name}.xml")).getroot()
    default = root.get(XML_LANG, "en")
    items: dict[str, Code] = {}
    for item in root.iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        names = {n.get(XML_LANG, default): (n.text or "").strip()
                 for n in item.findall("name/narrative")}
        items[code] = Code(code, names, item.get("status") == "withdrawn")
    return items


def is_code(name: str, code: str | None) -> bool:
    """Is *code* a code of codelist *name* (withdrawn codes included: old data use them)?"""
    return code is not None and code in codelist(name)


def label(name: str, code: str | None) -> str:
    """The name of *code* in the current language ('' for no code, the code if unknown)."""
    if not code:
        return ""
    found = codelist(name).get(code)
    return found.name() if found else code


def _choices(name: str, *, with_code: bool = False) -> list[tuple[str, str]]:
    """Every code (withdrawn ones too: data from earlier years use them) with its name."""
    return [(c.code, f"{c.code} {c.name('en')}" if with_code else c.name("en"))
            for c in codelist(name).values()]


def active_choices(name: str, *, with_code: bool = False) -> list[tuple[str, str]]:
    """The codes a form offers: not withdrawn, named in the current language."""
    return [(c.code, f"{c.code} {c.name()}" if with_code else c.name())
            for c in codelist(name).values() if not c.withdrawn]


def activity_status_choices() -> list[tuple[str, str]]:
    return _choices(ACTIVITY_STATUS)


def organisation_role_choices() -> list[tuple[str, str]]:
    return _choices(ORGANISATION_ROLE)


def organisation_type_choices() -> list[tuple[str, str]]:
    return _choices(ORGANISATION_TYPE)


def transaction_type_choices() -> list[tuple[str, str]]:
    return _choices(TRANSACTION_TYPE)


def budget_type_choices() -> list[tuple[str, str]]:
    return _choices(BUDGET_TYPE)


def sector_choices() -> list[tuple[str, str]]:
    return _choices(SECTOR, with_code=True)


def region_choices() -> list[tuple[str, str]]:
    return _choices(REGION, with_code=True)


def currency_choices() -> list[tuple[str, str]]:
    return [(c.code, c.code) for c in codelist(CURRENCY).values()]
