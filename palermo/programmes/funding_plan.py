"""From a funding list's rows to what importing it would do: the checks of groups of rows
(typing errors in unit names, one number with several recipients, titles or countries, a
title naming another country, recipients not in the register) and the plan — projects,
agreements, money — compared with what the portfolio holds already.

One project per donor number: the donor's own identifier of the activity. A year's row is
one agreement. Amounts are commitments (IATI transaction type 2), dated 1 January of their
year — the list gives only the year —, except amounts for years after the list was made,
which are planned budgets (indicative).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from palermo.core.models import Organisation
from palermo.programmes import places
from palermo.programmes.funding_list import ListRow, Options, Read
from palermo.programmes.models import Agreement, FundingChannel, Project
from palermo.programmes.models.money import COMMITMENT
from palermo.programmes.names import name_key, title_key
from palermo.programmes.partners import Match
from palermo.programmes.report import NOTE, WARNING, Report

# How alike a unit name must be to a more common or registered one (rapidfuzz ratio) to be
# taken for a typing error of it ("Ambassadeb Lilongwe" → "Ambassaden Lilongwe": 94.7).
TYPO_AT = 90


@dataclass
class PlannedAgreement:
    row: ListRow
    path: list[tuple[str, str]]  # (name, channel kind) from the top unit down
    key: str
    planned: bool  # a budget for a year after the list, not a commitment
    existing: Agreement | None = None


@dataclass
class PlannedProject:
    number: str
    title: str
    agreements: list[PlannedAgreement] = field(default_factory=list)
    shares: dict[places.Place, Decimal | None] = field(default_factory=dict)
    recipients: list[Match] = field(default_factory=list)
    existing: Project | None = None

    @property
    def rows(self) -> list[ListRow]:
        return [a.row for a in self.agreements]


@dataclass
class Plan:
    organisation: Organisation
    options: Options
    currency: str
    projects: list[PlannedProject] = field(default_factory=list)
    matches: dict[str, Match] = field(default_factory=dict)  # written name key -> match


def plan_import(read: Read, organisation: Organisation) -> Plan:
    """Check the rows as groups and work out what accepting would write (in the report)."""
    report, options = read.report, read.options
    currency = options.currency or options.default_currency
    if options.currency is None:
        report.add("currency_assumed", NOTE, [], _("(amounts)"), currency,
                   _("The list does not say its currency."),
                   _("Amounts are read as %(currency)s; give the currency if they are not.")
                   % {"currency": currency})
    plan = Plan(organisation, options, currency)
    _correct_units(report, read.rows, organisation)
    _check_recipients(report, read.rows, plan)
    _check_titles(report, read.rows)
    groups: dict[tuple, list[ListRow]] = defaultdict(list)
    for row in read.rows:
        groups[_project_key(row)].append(row)
    occurrences: Counter = Counter()
    for rows in groups.values():
        plan.projects.append(_planned_project(rows, options, occurrences))
    _check_numbers(report, plan)
    _compare(report, plan)
    return plan


def _project_key(row: ListRow) -> tuple:
    if row.number:
        return (row.number,)
    return ("", title_key(row.title), name_key(row.cells.get("recipient")))


def _path(row: ListRow) -> list[tuple[str, str]]:
    block, unit, section = row.block, row.unit, row.cells.get("section", "")
    if block.embassies:
        path = [(unit, FundingChannel.Kind.EMBASSY), (section, FundingChannel.Kind.SECTION)]
    elif block.parent:
        top = (block.parent, block.parent_kind)
        path = [top, (section, block.section_kind)] if name_key(unit) == name_key(
            block.parent) else [top, (unit, FundingChannel.Kind.DEPARTMENT),
                                (section, FundingChannel.Kind.SECTION)]
    else:
        path = [(unit, FundingChannel.Kind.OTHER), (section, block.section_kind)]
    return [(name, kind) for name, kind in path if name]


def source_key(row: ListRow, path: list[tuple[str, str]], occurrence: int) -> str:
    """What identifies a list row across imports of the same list (its amount aside)."""
    parts = [" › ".join(n for n, _k in path), row.number,
             name_key(row.cells.get("recipient")), title_key(row.title),
             name_key(row.cells.get("country")), str(row.year), str(occurrence)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _planned_project(rows: list[ListRow], options: Options,
                     occurrences: Counter) -> PlannedProject:
    titles = Counter(title_key(r.title) for r in rows)
    top = titles.most_common(1)[0][0]
    project = PlannedProject(rows[0].number, next(r.title for r in rows
                                                  if title_key(r.title) == top))
    seen_recipients: set = set()
    for row in rows:
        path = _path(row)
        base = source_key(row, path, 0)
        occurrences[base] += 1
        key = base if occurrences[base] == 1 else source_key(row, path, occurrences[base])
        planned = options.list_year is not None and row.year > options.list_year
        project.agreements.append(PlannedAgreement(row, path, key, planned))
        for match in row.recipients:
            ident = match.partner.pk if match.partner else name_key(match.written)
            if ident not in seen_recipients:
                seen_recipients.add(ident)
                project.recipients.append(match)
    project.shares = _shares(rows)
    return project


def _shares(rows: list[ListRow]) -> dict[places.Place, Decimal | None]:
    """Each place's percentage of the project: by amount (equal when no amounts), None for
    a single place; rounded to hundredths, the last taking the rest so they sum to 100."""
    amounts: dict[places.Place, Decimal] = {}
    for row in rows:
        if row.place is not None:
            amounts[row.place] = amounts.get(row.place, Decimal("0")) + (row.amount or 0)
    if len(amounts) <= 1:
        return {p: None for p in amounts}
    total = sum(amounts.values())
    cent = Decimal("0.01")
    shares = {p: ((a * 100 / total) if total else Decimal(100) / len(amounts)).quantize(
        cent, ROUND_HALF_UP) for p, a in amounts.items()}
    last = list(shares)[-1]
    shares[last] = Decimal("100") - sum(v for p, v in shares.items() if p != last)
    return shares


def _correct_units(report: Report, rows: list[ListRow], organisation: Organisation) -> None:
    """Take a unit name for a typing error of a more common (or registered) one."""
    counts = Counter(r.cells.get("unit", "") for r in rows)
    known = set(FundingChannel.objects.filter(organisation=organisation)
                .values_list("name", flat=True))
    corrected: dict[str, str] = {}
    for name, count in counts.items():
        if not name or name in known:
            continue
        candidates = {n: n for n in known} | {n: n for n, c in counts.items() if c > count}
        best = process.extractOne(name, list(candidates), scorer=fuzz.ratio,
                                  processor=name_key, score_cutoff=TYPO_AT)
        if best is not None and name_key(best[0]) != name_key(name):
            corrected[name] = best[0]
    for row in rows:
        written = row.cells.get("unit", "")
        row.unit = corrected.get(written, written)
    for written, right in corrected.items():
        lines = [r.line for r in rows if r.cells.get("unit") == written]
        report.add("unit_typo", WARNING, lines, _("unit"), written,
                   _("“%(written)s” looks like a typing error for “%(right)s”.")
                   % {"written": written, "right": right},
                   _("Imported under “%(right)s”.") % {"right": right})


def _check_recipients(report: Report, rows: list[ListRow], plan: Plan) -> None:
    lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        for match in row.recipients:
            key = name_key(match.written)
            plan.matches.setdefault(key, match)
            lines[key].append(row.line)
        if len(row.recipients) > 1:
            names = ", ".join(m.partner.name for m in row.recipients)
            report.add("joint_recipients", WARNING, [row.line], _("recipient"),
                       row.cells.get("recipient"),
                       _("Several recipients in one cell: %(names)s.") % {"names": names},
                       _("Each is recorded as an implementing partner."))
    for key, match in plan.matches.items():
        where, value = lines[key], match.written
        if match.how == "alias":
            report.add("alias_recipient", WARNING, where, _("recipient"), value,
                       _("“%(written)s” is another name of “%(name)s”.")
                       % {"written": value, "name": match.partner.name},
                       _("Imported as “%(name)s”.") % {"name": match.partner.name})
        elif match.how == "proposed":
            report.add("proposed_recipient", WARNING, where, _("recipient"), value,
                       _("“%(written)s” is not in the partner register; proposed: "
                         "“%(name)s”.") % {"written": value, "name": match.partner.name},
                       _("Imported as “%(name)s”; “%(written)s” is added as its alias.")
                       % {"name": match.partner.name, "written": value})
        elif match.how == "unknown":
            report.add("unknown_recipient", WARNING, where, _("recipient"), value,
                       _("“%(written)s” is not in the partner register and resembles no "
                         "partner in it.") % {"written": value},
                       _("Added to the partner register as a new partner; give its type "
                         "there."))


def _check_titles(report: Report, rows: list[ListRow]) -> None:
    """A title naming countries, none of them the row's country (regions are not checked)."""
    for row in rows:
        if row.place is None or row.place.kind != "country":
            continue
        named = places.countries_named(row.title)
        if named and row.place.code not in named:
            report.add("country_title", WARNING, [row.line], _("country"),
                       f"{row.cells.get('country')} / {row.title}",
                       _("The row's country is %(country)s but its title names %(named)s.")
                       % {"country": row.cells.get("country"),
                          "named": ", ".join(sorted(places.country_name(c) for c in named))},
                       _("Imported with the row's country; check which is right."))


def _check_numbers(report: Report, plan: Plan) -> None:
    for project in plan.projects:
        if not project.number:
            continue
        rows = project.rows
        recipients = {" + ".join(sorted(m.partner.name if m.known else m.written
                                        for m in r.recipients))
                      for r in rows if r.recipients}
        titles = {title_key(r.title): r.title for r in rows}
        countries = {r.cells.get("country") for r in rows if r.cells.get("country")}
        lines = [r.line for r in rows]
        if len(recipients) > 1:
            report.add("number_recipients", WARNING, lines, _("recipient"), project.number,
                       _("%(number)s has %(n)d recipients: %(names)s.") % {
                           "number": project.number, "n": len(recipients),
                           "names": ", ".join(sorted(recipients))},
                       _("One project with each recipient as an implementing partner."))
        if len(titles) > 1:
            report.add("number_titles", WARNING, lines, _("title"), project.number,
                       _("%(number)s has %(n)d titles: %(titles)s.") % {
                           "number": project.number, "n": len(titles),
                           "titles": "; ".join(f"“{t}”" for t in titles.values())},
                       _("One project titled “%(title)s”; each agreement keeps its own "
                         "title.") % {"title": project.title})
        if len(countries) > 1:
            report.add("number_countries", WARNING, lines, _("country"), project.number,
                       _("%(number)s names %(n)d countries or regions: %(names)s.") % {
                           "number": project.number, "n": len(countries),
                           "names": ", ".join(sorted(countries))},
                       _("All are recipients, shared by amount."))


def _compare(report: Report, plan: Plan) -> None:
    """Find what exists already and count what accepting would write."""
    organisation = plan.organisation
    keys = [a.key for p in plan.projects for a in p.agreements]
    existing = {a.source_key: a for a in Agreement.objects.filter(
        project__organisation=organisation, source_key__in=keys).select_related("project")
        .prefetch_related("transactions", "budgets")}
    numbered = {p.own_number: p for p in Project.objects.filter(
        organisation=organisation, own_number__in=[p.number for p in plan.projects
                                                   if p.number])}
    changes: Counter = Counter()
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for project in plan.projects:
        for agreement in project.agreements:
            agreement.existing = existing.get(agreement.key)
            amount = agreement.row.amount
            if amount is not None:
                totals["planned" if agreement.planned else "committed"] += amount
            if agreement.existing is None:
                changes["agreements_new"] += 1
            elif money_of(agreement.existing, agreement.planned, plan.currency) == amount:
                changes["agreements_unchanged"] += 1
            else:
                changes["agreements_changed"] += 1
        project.existing = numbered.get(project.number) if project.number else next(
            (a.existing.project for a in project.agreements if a.existing), None)
        changes["projects_existing" if project.existing else "projects_new"] += 1
    changes["recipients_new"] = sum(1 for m in plan.matches.values() if m.how == "unknown")
    changes["aliases_new"] = sum(1 for m in plan.matches.values() if m.how == "proposed")
    report.changes = dict(changes)
    report.totals = {plan.currency: {k: str(v) for k, v in totals.items()}}
    kept = [p for p in plan.projects if p.existing is not None]
    if kept and changes["agreements_new"]:
        report.add("existing_project", NOTE, [r.line for p in kept for r in p.rows],
                   _("project number"), ", ".join(p.number for p in kept[:10]),
                   _("%(n)d projects of the list are in the portfolio already.")
                   % {"n": len(kept)},
                   _("Their new agreements are added; what you changed in them is kept."))


def money_of(agreement: Agreement, planned: bool, currency: str) -> Decimal | None:
    """The amount an agreement holds in *currency*: its commitments, or its planned budget
    (an amount in another currency is not the same amount)."""
    if planned:
        records = list(agreement.budgets.all())
    else:
        records = [t for t in agreement.transactions.all() if t.type == COMMITMENT]
    if any(r.currency != currency for r in records):
        return None
    return sum(r.value for r in records) if records else None
