"""A project or a portfolio as IATI 2.03 activity XML (lxml), validated against the shipped
schema before it leaves.

An activity is written section by section in the order the schema requires
(:data:`SECTIONS`); a section is a function of the project giving its elements. The results
framework (IATI ``result``: indicators, baselines, targets and actuals per period, with
sex and age dimensions) will be one more section in its place, before Palermo's own.

What IATI has no element for — the four Ps, target groups, forms of exploitation,
action-plan measures, evaluation status, the review sample, annual agreements with their
funding channel and carry-over, exchange rates used — travels in Palermo's namespace
(:data:`~palermo.programmes.iati_schema.PALERMO_NS`), which the schema allows and other
readers ignore, so that an export imports back without loss.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from lxml import etree

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership
from palermo.programmes.iati_schema import PALERMO_NS, VERSION, P, schema_breaches
from palermo.programmes.models import Agreement, Participation, Partner, Project
from palermo.programmes.models.portfolio import TargetGroup

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FALLBACK_REF = "PALERMO-ORG-{pk}"  # until the organisation's partner entry has its IATI id


class ExportRefused(ValueError):
    """The export would not be valid IATI (the reason names the project)."""


@dataclass
class Context:
    """What every section of one activity may need."""

    reporting: Partner | None
    reporting_ref: str
    agreement_ids: dict[int, str]


def _narrative(parent: etree._Element, tag: str, text: str, **attrs) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v
                                             for k, v in attrs.items() if v})
    etree.SubElement(element, "narrative").text = text
    return element


def _e(tag: str, **attrs) -> etree._Element:
    return etree.Element(tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()
                               if v not in (None, "")})


def _date(value: dt.date) -> str:
    return value.isoformat()


def identifier(project: Project, reporting_ref: str) -> str:
    """The project's IATI identifier: its own, or the reporting organisation's identifier
    followed by the donor's number (or Palermo's id)."""
    return project.iati_identifier or f"{reporting_ref}-{project.own_number or project.pk}"


def _org(tag: str, partner: Partner, **attrs) -> etree._Element:
    element = _e(tag, ref=partner.iati_ref, type=partner.type, **attrs)
    etree.SubElement(element, "narrative").text = partner.name
    return element


def _identifier(project: Project, ctx: Context) -> Iterable[etree._Element]:
    element = _e("iati-identifier")
    element.text = identifier(project, ctx.reporting_ref)
    yield element


def _reporting_org(project: Project, ctx: Context) -> Iterable[etree._Element]:
    element = _e("reporting-org", ref=ctx.reporting_ref,
                 type=ctx.reporting.type if ctx.reporting else "")
    etree.SubElement(element, "narrative").text = (ctx.reporting.name if ctx.reporting
                                                   else project.organisation.name)
    yield element


def _texts(project: Project, ctx: Context) -> Iterable[etree._Element]:
    title = _e("title")
    etree.SubElement(title, "narrative").text = project.title
    yield title
    for kind, text in (("1", project.description or project.title),
                       ("2", project.objective),
                       ("3", "; ".join(str(TargetGroup(g).label)
                                       for g in project.target_groups))):
        if text:
            element = _e("description", type=kind)
            etree.SubElement(element, "narrative").text = text
            yield element


def _participants(project: Project, ctx: Context) -> Iterable[etree._Element]:
    for participation in project.participations.all():
        yield _org("participating-org", participation.partner, role=participation.role)


def _other_identifier(project: Project, ctx: Context) -> Iterable[etree._Element]:
    if project.own_number:  # A1: the reporting organisation's own identifier of the activity
        yield _e("other-identifier", ref=project.own_number, type="A1")


def _status_and_dates(project: Project, ctx: Context) -> Iterable[etree._Element]:
    yield _e("activity-status", code=project.status)
    for kind, value in (("1", project.planned_start), ("2", project.actual_start),
                        ("3", project.planned_end), ("4", project.actual_end)):
        if value:
            yield _e("activity-date", type=kind, iso_date=_date(value))


def _places(project: Project, ctx: Context) -> Iterable[etree._Element]:
    for place in project.countries.all():
        yield _e("recipient-country", code=place.country.alpha2, percentage=place.percentage)
    for place in project.regions.all():
        yield _e("recipient-region", code=place.code, vocabulary="1",
                 percentage=place.percentage)


def _sectors(project: Project, ctx: Context) -> Iterable[etree._Element]:
    for sector in project.sectors.all():
        yield _e("sector", vocabulary="1", code=sector.code, percentage=sector.percentage)


def _value(parent: etree._Element, record, default_currency: str) -> None:
    value = etree.SubElement(parent, "value", {"value-date": _date(record.value_date)})
    if record.currency != default_currency:
        value.set("currency", record.currency)
    if record.exchange_rate is not None:
        value.set(P + "exchange-rate", str(record.exchange_rate))
    value.text = str(record.value)


def _budgets(project: Project, ctx: Context) -> Iterable[etree._Element]:
    for budget in project.budgets.all():
        element = _e("budget", type=budget.type, status=budget.status)
        if budget.agreement_id:
            element.set(P + "agreement", ctx.agreement_ids[budget.agreement_id])
        etree.SubElement(element, "period-start", {"iso-date": _date(budget.period_start)})
        etree.SubElement(element, "period-end", {"iso-date": _date(budget.period_end)})
        _value(element, budget, project.currency)
        yield element


def _transactions(project: Project, ctx: Context) -> Iterable[etree._Element]:
    for t in project.transactions.all():
        element = _e("transaction", ref=t.ref)
        if t.agreement_id:
            element.set(P + "agreement", ctx.agreement_ids[t.agreement_id])
        etree.SubElement(element, "transaction-type", code=t.type)
        etree.SubElement(element, "transaction-date", {"iso-date": _date(t.date)})
        _value(element, t, project.currency)
        if t.description:
            _narrative(element, "description", t.description)
        if t.provider:
            element.append(_org("provider-org", t.provider))
        if t.receiver:
            element.append(_org("receiver-org", t.receiver))
        yield element


def _results(project: Project, ctx: Context) -> Iterable[etree._Element]:
    """The results framework (phase 2 of issue 15): nothing yet."""
    return ()


def _palermo(project: Project, ctx: Context) -> Iterable[etree._Element]:
    element = _e(P + "project", own_number=project.own_number,
                 four_ps=" ".join(project.four_ps),
                 target_groups=" ".join(project.target_groups),
                 exploitation_forms=" ".join(project.exploitation_forms),
                 evaluation_status=project.evaluation_status,
                 sampled_for_review="true" if project.sampled_for_review else "false",
                 currency=project.currency)
    for measure in project.measures.all():
        etree.SubElement(element, P + "measure", {"plan": measure.plan.name,
                                                  "code": measure.code})
    for agreement in project.agreements.all():
        attrs = {"id": ctx.agreement_ids[agreement.pk], "number": agreement.number,
                 "year": str(agreement.year), "title": agreement.title,
                 "carry-over": str(agreement.carry_over)}
        if agreement.channel_id:
            attrs["channel"] = agreement.channel.path_label()
            attrs["channel-kinds"] = " ".join(_kinds(agreement.channel))
        if agreement.recipient_id:
            attrs["recipient"] = agreement.recipient.name
        if agreement.source_key:
            attrs["key"] = agreement.source_key
        etree.SubElement(element, P + "agreement", {k: v for k, v in attrs.items() if v})
    yield element


def _kinds(channel) -> list[str]:
    kinds, node = [], channel
    while node is not None:
        kinds.append(node.kind)
        node = node.parent
    return kinds[::-1]


# The sections of an activity, in the order of the IATI 2.03 schema.
SECTIONS: list[tuple[str, Callable[[Project, Context], Iterable[etree._Element]]]] = [
    ("iati-identifier", _identifier), ("reporting-org", _reporting_org),
    ("title, description", _texts), ("participating-org", _participants),
    ("other-identifier", _other_identifier), ("activity-status, activity-date",
                                              _status_and_dates),
    ("recipient-country, recipient-region", _places), ("sector", _sectors),
    ("budget", _budgets), ("transaction", _transactions), ("result", _results),
    ("palermo:project", _palermo),
]


def _prefetched(projects: QuerySet) -> QuerySet:
    return projects.select_related("organisation").prefetch_related(
        Prefetch("participations", Participation.objects.select_related("partner")),
        "countries__country", "regions", "sectors", "measures__plan", "budgets",
        "transactions__provider", "transactions__receiver",
        Prefetch("agreements", Agreement.objects.select_related(
            "recipient", "channel__parent__parent__parent")))


def activity(project: Project, reporting: dict[int, Partner]) -> etree._Element:
    """One project as an ``iati-activity`` element."""
    if not (project.planned_start or project.actual_start or project.planned_end
            or project.actual_end):
        raise ExportRefused(f"{project}: IATI needs at least one activity date.")
    if not project.participations.all():
        raise ExportRefused(f"{project}: IATI needs at least one participating organisation.")
    entry = reporting.get(project.organisation_id)
    ctx = Context(entry, (entry.iati_ref if entry and entry.iati_ref else
                          FALLBACK_REF.format(pk=project.organisation_id)),
                  {a.pk: f"a{n}" for n, a in enumerate(project.agreements.all(), start=1)})
    element = etree.Element("iati-activity", {
        "default-currency": project.currency, XML_LANG: "en",
        "last-updated-datetime": project.updated_at.replace(microsecond=0).isoformat()},
        nsmap={"palermo": PALERMO_NS})
    for _name, section in SECTIONS:
        element.extend(section(project, ctx))
    return element


def export(membership: Membership, projects: QuerySet | None = None,
           project: Project | None = None) -> bytes:
    """The projects *membership* may see (all of them, or one) as an IATI activities file,
    validated against the schema. Raises ``PermissionDenied`` (may see none of the kind),
    :class:`ExportRefused` (invalid data, named)."""
    access.require(membership, Action.VIEW, Project)
    chosen = access.visible(membership, projects if projects is not None
                            else Project.objects.all())
    if project is not None:
        chosen = chosen.filter(pk=project.pk)
    chosen = _prefetched(chosen.order_by("organisation_id", "own_number", "pk"))
    reporting = {p.organisation_id: p for p in Partner.objects.filter(
        organisation_id__in=chosen.values("organisation_id"))}
    root = etree.Element("iati-activities", {
        "version": VERSION,
        "generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
        nsmap={"palermo": PALERMO_NS})
    for item in chosen:
        root.append(activity(item, reporting))
    if not len(root):
        raise ExportRefused("No project to export: IATI needs at least one activity.")
    tree = etree.ElementTree(root)
    breaches = schema_breaches(tree)
    if breaches:  # a defect of Palermo's, never the user's: say where
        raise ExportRefused("; ".join(map(str, breaches[:5])))
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
