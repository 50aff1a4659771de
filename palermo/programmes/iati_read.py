"""Reading the activities of a valid IATI 2.03 file into plain records (what Palermo keeps
of each), with Palermo's own extension when the file came from Palermo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from palermo.programmes.iati_schema import P

# Elements of an activity Palermo does not keep (yet): results come with the results
# framework; the others have no place in a project today.
NOT_KEPT = ("result", "location", "policy-marker", "document-link", "contact-info",
            "related-activity", "planned-disbursement", "humanitarian-scope", "tag",
            "country-budget-items", "conditions", "crs-add", "fss", "legacy-data")


@dataclass
class OrgIn:
    name: str
    ref: str = ""
    type: str = ""
    line: int = 0


@dataclass
class MoneyIn:
    """A budget or a transaction as the file gives it."""

    line: int
    type: str
    value: Decimal
    currency: str
    value_date: dt.date
    exchange_rate: Decimal | None = None
    agreement: str = ""  # the id of its palermo:agreement
    date: dt.date | None = None  # transactions
    period_start: dt.date | None = None  # budgets
    period_end: dt.date | None = None
    status: str = "1"
    ref: str = ""
    description: str = ""
    provider: OrgIn | None = None
    receiver: OrgIn | None = None


@dataclass
class ActivityIn:
    line: int
    identifier: str
    title: str
    currency: str
    description: str = ""
    objective: str = ""
    own_number: str = ""
    status: str = "2"
    dates: dict[str, dt.date] = field(default_factory=dict)
    participations: list[tuple[OrgIn, str]] = field(default_factory=list)
    countries: list[tuple[str, Decimal | None]] = field(default_factory=list)  # alpha-2
    regions: list[tuple[str, Decimal | None]] = field(default_factory=list)
    sectors: list[tuple[str, Decimal | None]] = field(default_factory=list)
    other_sectors: int = 0  # sectors in another vocabulary than DAC 5-digit (not kept)
    not_kept: dict[str, int] = field(default_factory=dict)  # element -> how many
    budgets: list[MoneyIn] = field(default_factory=list)
    transactions: list[MoneyIn] = field(default_factory=list)
    extension: dict = field(default_factory=dict)
    agreements: list[dict] = field(default_factory=list)
    measures: list[tuple[str, str]] = field(default_factory=list)


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    narratives = element.findall("narrative")
    english = [n for n in narratives
               if n.get("{http://www.w3.org/XML/1998/namespace}lang") in (None, "en")]
    chosen = (english or narratives)
    return " ".join((chosen[0].text or "").split()) if chosen else ""


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def _org(element: etree._Element | None) -> OrgIn | None:
    if element is None:
        return None
    return OrgIn(_text(element) or element.get("ref", ""), element.get("ref", ""),
                 element.get("type", ""), element.sourceline or 0)


def _money(element: etree._Element, currency: str) -> MoneyIn:
    value = element.find("value")
    return MoneyIn(line=element.sourceline or 0, type="", value=Decimal(value.text.strip()),
                   currency=value.get("currency") or currency,
                   value_date=_date(value.get("value-date")),
                   exchange_rate=_decimal(value.get(P + "exchange-rate")),
                   agreement=element.get(P + "agreement", ""))


def read_activity(element: etree._Element) -> ActivityIn:
    """One ``iati-activity`` (already valid against the schema) as a record."""
    extension = element.find(P + "project")
    currency = element.get("default-currency") or (
        extension.get("currency", "") if extension is not None else "")
    activity = ActivityIn(line=element.sourceline or 0,
                          identifier=(element.findtext("iati-identifier") or "").strip(),
                          title=_text(element.find("title")), currency=currency)
    for description in element.findall("description"):
        kind = description.get("type", "1")
        if kind == "1" and not activity.description:
            activity.description = _text(description)
        elif kind == "2" and not activity.objective:
            activity.objective = _text(description)
    for other in element.findall("other-identifier"):
        if other.get("type") == "A1" and not activity.own_number:
            activity.own_number = other.get("ref", "")
    activity.status = element.find("activity-status").get("code")
    for date in element.findall("activity-date"):
        activity.dates.setdefault(date.get("type"), _date(date.get("iso-date")))
    for org in element.findall("participating-org"):
        activity.participations.append((_org(org), org.get("role")))
    activity.countries = [(c.get("code"), _decimal(c.get("percentage")))
                          for c in element.findall("recipient-country")]
    activity.regions = [(r.get("code"), _decimal(r.get("percentage")))
                        for r in element.findall("recipient-region")
                        if r.get("vocabulary", "1") == "1"]
    for sector in element.findall("sector"):
        if sector.get("vocabulary", "1") == "1":
            activity.sectors.append((sector.get("code"), _decimal(sector.get("percentage"))))
        else:
            activity.other_sectors += 1
    for budget in element.findall("budget"):
        money = _money(budget, currency)
        money.type, money.status = budget.get("type", "1"), budget.get("status", "1")
        money.period_start = _date(budget.find("period-start").get("iso-date"))
        money.period_end = _date(budget.find("period-end").get("iso-date"))
        activity.budgets.append(money)
    for transaction in element.findall("transaction"):
        money = _money(transaction, currency)
        money.type = transaction.find("transaction-type").get("code")
        money.date = _date(transaction.find("transaction-date").get("iso-date"))
        money.ref = transaction.get("ref", "")
        money.description = _text(transaction.find("description"))
        money.provider = _org(transaction.find("provider-org"))
        money.receiver = _org(transaction.find("receiver-org"))
        activity.transactions.append(money)
    if extension is not None:
        _read_extension(activity, extension)
    for child in element:
        if isinstance(child.tag, str) and child.tag in NOT_KEPT:
            activity.not_kept[child.tag] = activity.not_kept.get(child.tag, 0) + 1
    return activity


def _read_extension(activity: ActivityIn, extension: etree._Element) -> None:
    activity.extension = {
        "four_ps": extension.get("four-ps", "").split(),
        "target_groups": extension.get("target-groups", "").split(),
        "exploitation_forms": extension.get("exploitation-forms", "").split(),
        "evaluation_status": extension.get("evaluation-status") or "none",
        "sampled_for_review": extension.get("sampled-for-review") == "true"}
    activity.own_number = activity.own_number or extension.get("own-number", "")
    activity.measures = [(m.get("plan", ""), m.get("code", ""))
                         for m in extension.findall(P + "measure")]
    for agreement in extension.findall(P + "agreement"):
        activity.agreements.append({
            "line": agreement.sourceline or 0, "id": agreement.get("id", ""),
            "number": agreement.get("number", ""), "year": agreement.get("year", ""),
            "title": agreement.get("title", ""),
            "carry_over": agreement.get("carry-over", "0"),
            "channel": agreement.get("channel", ""),
            "channel_kinds": agreement.get("channel-kinds", "").split(),
            "recipient": agreement.get("recipient", ""), "key": agreement.get("key", "")})
