"""Importing an IATI activity file (the kind donors publish, or a Palermo export) into
projects, with the same report-then-accept flow as a funding list.

A file that breaks the schema or a codelist is refused with the element, line and reason of
each breach. An activity whose identifier the portfolio holds already is left as it is (a
re-import changes nothing); one kept by another organisation is skipped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

from palermo.core.models import Country, Membership, Organisation
from palermo.programmes import partners
from palermo.programmes.funding_write import Writer
from palermo.programmes.iati_read import ActivityIn, MoneyIn, OrgIn, read_activity
from palermo.programmes.iati_schema import codelist_breaches, parse, schema_breaches
from palermo.programmes.models import (
    Agreement,
    Budget,
    Measure,
    Participation,
    Partner,
    Project,
    ProjectSector,
    RecipientCountry,
    RecipientRegion,
    Transaction,
)
from palermo.programmes.models.portfolio import split_problem
from palermo.programmes.models.setup import PATH_SEPARATOR
from palermo.programmes.names import name_key
from palermo.programmes.report import ERROR, NOTE, WARNING, Report


@dataclass
class IatiPlan:
    organisation: Organisation
    activities: list[ActivityIn] = field(default_factory=list)  # those to write
    partners: dict[str, partners.Match] = field(default_factory=dict)  # key -> match
    orgs: dict[str, OrgIn] = field(default_factory=dict)


def org_key(org: OrgIn) -> str:
    return f"ref:{org.ref}" if org.ref else f"name:{name_key(org.name)}"


def check(content: bytes, report: Report, organisation: Organisation) -> IatiPlan | None:
    """Validate the file and plan its import; the report says what was found."""
    try:
        tree = parse(content)
    except etree.XMLSyntaxError as exc:
        report.add("unreadable", ERROR, [exc.lineno or 0], _("(file)"), "",
                   _("Not well-formed XML: %(error)s") % {"error": exc.msg})
        return None
    breaches = schema_breaches(tree) + codelist_breaches(tree)
    for breach in breaches:
        report.add(breach.kind, ERROR, [breach.line], breach.element, "", breach.reason)
    if breaches:
        return None
    plan = IatiPlan(organisation)
    activities = [read_activity(a) for a in tree.getroot().iter("iati-activity")]
    report.rows = len(activities)
    kept = {p.iati_identifier: p.organisation_id for p in Project.objects.filter(
        iati_identifier__in=[a.identifier for a in activities])}
    for activity in activities:
        if activity.identifier in kept:
            mine = kept[activity.identifier] == organisation.pk
            report.add("existing_project", NOTE if mine else WARNING, [activity.line],
                       "iati-identifier", activity.identifier,
                       _("This activity is in the portfolio already.") if mine else
                       _("An activity with this identifier is kept by another "
                         "organisation."),
                       _("Left as it is.") if mine else _("Skipped."))
            continue
        if _rules(report, activity):
            plan.activities.append(activity)
    _resolve_partners(report, plan)
    _summarise(report, plan)
    return plan


def _rules(report: Report, a: ActivityIn) -> bool:
    """Palermo's rules beyond the schema; False (with errors reported) when broken."""
    before = len(report.errors)

    def refuse(line: int, element: str, value, reason: str) -> None:
        report.add("invalid_value", ERROR, [line], element, str(value), reason)

    if not a.currency and any(not m.currency for m in a.budgets + a.transactions):
        refuse(a.line, "iati-activity/@default-currency", "",
               _("No currency: give default-currency or a currency on every value."))
    places = [p for _c, p in a.countries] + [p for _r, p in a.regions]
    for what, split in (("recipient-country, recipient-region", places),
                        ("sector", [p for _s, p in a.sectors])):
        problem = split_problem(split)
        if problem:
            refuse(a.line, what, "", problem)
    for org, role in a.participations:
        if not org.name:
            refuse(org.line, "participating-org", role, _("An organisation with no name "
                                                          "and no identifier."))
    for agreement in a.agreements:
        try:
            year = int(agreement["year"])
            Decimal(agreement["carry_over"])
        except (ValueError, InvalidOperation):
            refuse(agreement["line"], "palermo:agreement", agreement["year"],
                   _("The year or the carry-over is not a number."))
            continue
        if not 1900 <= year <= 2200:
            refuse(agreement["line"], "palermo:agreement/@year", year, _("Not a year."))
    if a.other_sectors:
        report.add("not_kept", NOTE, [a.line], "sector", str(a.other_sectors),
                   _("Sectors in another vocabulary than the DAC 5-digit codes."),
                   _("Not kept."))
    if a.not_kept:
        report.add("not_kept", NOTE, [a.line], ", ".join(sorted(a.not_kept)),
                   str(sum(a.not_kept.values())),
                   _("Elements Palermo does not keep yet: %(elements)s.") % {
                       "elements": ", ".join(f"{k} ×{n}" for k, n in sorted(
                           a.not_kept.items()))}, _("Not kept."))
    return len(report.errors) == before


def _resolve_partners(report: Report, plan: IatiPlan) -> None:
    directory = partners.Directory()
    by_ref = {p.iati_ref: p for p in Partner.objects.exclude(iati_ref="")}
    for activity in plan.activities:
        orgs = [o for o, _r in activity.participations] + [
            o for m in activity.transactions for o in (m.provider, m.receiver) if o]
        for org in orgs:
            key = org_key(org)
            if key in plan.partners:
                continue
            plan.orgs[key] = org
            if org.ref in by_ref:
                plan.partners[key] = partners.Match(org.name, by_ref[org.ref], "name", 100)
            else:
                plan.partners[key] = directory.resolve(org.name)
    for key, match in plan.partners.items():
        org = plan.orgs[key]
        if match.how == "proposed":
            report.add("proposed_recipient", WARNING, [org.line], "narrative", org.name,
                       _("“%(written)s” is not in the partner register; proposed: "
                         "“%(name)s”.") % {"written": org.name, "name": match.partner.name},
                       _("Imported as “%(name)s”; “%(written)s” is added as its alias.")
                       % {"name": match.partner.name, "written": org.name})
        elif match.how == "unknown":
            report.add("unknown_recipient", WARNING, [org.line], "narrative", org.name,
                       _("“%(written)s” is not in the partner register.")
                       % {"written": org.name},
                       _("Added to the partner register as a new partner."))


def _summarise(report: Report, plan: IatiPlan) -> None:
    totals: dict[str, dict[str, Decimal]] = {}
    for activity in plan.activities:
        for money in activity.transactions:
            name = {"2": "committed", "3": "disbursed", "4": "spent"}.get(money.type)
            if name:
                bucket = totals.setdefault(money.currency, {})
                bucket[name] = bucket.get(name, Decimal("0")) + money.value
        for money in activity.budgets:
            bucket = totals.setdefault(money.currency, {})
            bucket["planned"] = bucket.get("planned", Decimal("0")) + money.value
    report.totals = {c: {k: str(v) for k, v in t.items()} for c, t in totals.items()}
    report.changes = {"projects_new": len(plan.activities),
                      "transactions_new": sum(len(a.transactions) for a in plan.activities),
                      "budgets_new": sum(len(a.budgets) for a in plan.activities),
                      "agreements_new": sum(len(a.agreements) for a in plan.activities),
                      "recipients_new": sum(1 for m in plan.partners.values()
                                            if m.how == "unknown")}


class IatiWriter(Writer):
    """Writes the planned activities as projects of the importing organisation."""

    def __init__(self, membership: Membership, plan: IatiPlan) -> None:
        super().__init__(membership, plan)  # channels are the importing organisation's
        self.iati = plan

    def run(self) -> Counter:
        for key, match in self.iati.partners.items():
            self.partners[key] = self._iati_partner(self.iati.orgs[key], match)
        for activity in self.iati.activities:
            self._activity(activity)
        return self.written

    def _iati_partner(self, org: OrgIn, match: partners.Match) -> Partner:
        if match.how == "unknown":
            existing = Partner.objects.filter(name=org.name).first()
            if existing is not None:
                return existing
            self.written["Partner"] += 1
            return partners.add_partner(self.membership, name=org.name, type=org.type,
                                        iati_ref=org.ref)
        return self._partner(match)

    def _activity(self, a: ActivityIn) -> None:
        ext = a.extension
        project = Project(
            organisation=self.iati.organisation, iati_identifier=a.identifier,
            own_number=a.own_number, title=a.title[:300], description=a.description,
            objective=a.objective, status=a.status, currency=a.currency or "EUR",
            planned_start=a.dates.get("1"), actual_start=a.dates.get("2"),
            planned_end=a.dates.get("3"), actual_end=a.dates.get("4"),
            four_ps=ext.get("four_ps", []), target_groups=ext.get("target_groups", []),
            exploitation_forms=ext.get("exploitation_forms", []),
            evaluation_status=ext.get("evaluation_status", "none"),
            sampled_for_review=ext.get("sampled_for_review", False))
        try:
            self.save(project)
        except ValidationError as exc:
            raise ValidationError(f"line {a.line}: {exc.messages[0]}") from exc
        measures = [m for plan_name, code in a.measures for m in Measure.objects.filter(
            plan__name=plan_name, code=code)]
        if measures:
            project.measures.set(measures)
        for org, role in a.participations:
            partner = self.partners[org_key(org)]
            if not Participation.objects.filter(project=project, partner=partner,
                                                role=role).exists():
                self.save(Participation(project=project, partner=partner, role=role))
        countries = {c.alpha2: c for c in Country.objects.filter(
            alpha2__in=[code for code, _p in a.countries])}
        for code, share in a.countries:
            self.save(RecipientCountry(project=project, country=countries[code],
                                       percentage=share))
        for code, share in a.regions:
            self.save(RecipientRegion(project=project, code=code, percentage=share))
        for code, share in a.sectors:
            self.save(ProjectSector(project=project, code=code, percentage=share))
        agreements = {item["id"]: self._iati_agreement(project, item)
                      for item in a.agreements}
        for money in a.budgets:
            self.save(Budget(project=project, agreement=agreements.get(money.agreement),
                             type=money.type, status=money.status,
                             period_start=money.period_start, period_end=money.period_end,
                             **_value(money)))
        for money in a.transactions:
            self.save(Transaction(
                project=project, agreement=agreements.get(money.agreement), type=money.type,
                date=money.date, ref=money.ref[:60], description=money.description[:300],
                provider=self.partners.get(org_key(money.provider)) if money.provider
                else None,
                receiver=self.partners.get(org_key(money.receiver)) if money.receiver
                else None, **_value(money)))

    def _iati_agreement(self, project: Project, item: dict) -> Agreement:
        names = [n for n in item["channel"].split(PATH_SEPARATOR) if n]
        kinds = item["channel_kinds"] + ["other"] * (len(names) - len(item["channel_kinds"]))
        recipient = Partner.objects.filter(name=item["recipient"]).first() \
            if item["recipient"] else None
        agreement = Agreement(project=project, number=item["number"], year=int(item["year"]),
                              title=item["title"][:300],
                              carry_over=Decimal(item["carry_over"]),
                              channel=self._channel(list(zip(names, kinds, strict=True)))
                              if names else None,
                              recipient=recipient, source_key=item["key"][:64])
        self.save(agreement)
        return agreement


def _value(money: MoneyIn) -> dict:
    return {"value": money.value, "currency": money.currency,
            "value_date": money.value_date or dt.date.today(),
            "exchange_rate": money.exchange_rate}
