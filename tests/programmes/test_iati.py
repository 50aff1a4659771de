"""IATI 2.03 in and out: an exported portfolio validates against the shipped schema and
imports back into an empty instance with the same totals; a file that breaks the schema or
a codelist is refused naming the element, the line and the reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from palermo.programmes import iati_export, imports, services, totals
from palermo.programmes.iati_schema import P, parse, schema
from palermo.programmes.models import (
    ActionPlan,
    Agreement,
    FundingChannel,
    Measure,
    Project,
    Transaction,
)
from tests.programmes.conftest import seed_report


def _iati(membership, content: bytes, accept: bool = True):
    return imports.run(membership, content, "activities.xml", imports.IATI, accept=accept)


def _empty_portfolio() -> None:
    """An empty instance: no project, no funding channel (the register stays)."""
    Project.objects.all().delete()
    while FundingChannel.objects.exists():
        FundingChannel.objects.filter(children__isnull=True).delete()


def _figures():
    result = totals.portfolio(Project.objects.all())
    return {c: f.as_dict() for c, f in result.totals.items()}


@pytest.fixture
def rich_project(cast, project_a):
    """project_a with what IATI has no element for: measures, carry-over, a disbursement in
    euros at the rate used, a DAC sector, places with percentages."""
    plan = services.add_action_plan(cast.emre, name="Action plan 2006–2009", first_year=2006,
                                    last_year=2009)
    measure = services.add_measure(cast.emre, plan, code="12", title="Shelters")
    services.update_project(cast.emre, project_a, measures=[measure],
                            exploitation_forms=["SexualExploitation"], sampled_for_review=True,
                            evaluation_status="external", objective="Fewer women trafficked")
    channel = services.add_channel(cast.emre, name="Vest-Balkan", kind="section")
    services.add_agreement(cast.emre, project_a, year=2026, number="2060217", channel=channel,
                           carry_over=Decimal("400000"))
    services.add_transaction(cast.emre, project_a, type="3", date=dt.date(2026, 2, 1),
                             value=Decimal("10000"), currency="EUR",
                             value_date=dt.date(2026, 2, 1), exchange_rate=Decimal("11.5"))
    from palermo.core.models import Country
    services.set_places(cast.emre, project_a, [(Country.objects.get(pk="ALB"), Decimal("70")),
                                               (Country.objects.get(pk="XKX"), Decimal("20"))],
                        [("89", Decimal("10"))])
    services.set_sectors(cast.emre, project_a, [("15190", Decimal("60")),
                                                ("15180", Decimal("40"))])
    assert ActionPlan.objects.count() == 1
    return project_a


def test_an_exported_portfolio_validates_against_the_shipped_schema(cast, rich_project):
    seed_report(cast.emre, accept=True)
    content = iati_export.export(cast.emre)
    tree = parse(content)
    assert schema().validate(tree), schema().error_log
    activities = tree.getroot().findall("iati-activity")
    assert len(activities) == 143  # the list's 2040412 is project_a's number: added to it
    vatra = next(a for a in activities if a.find("other-identifier") is not None
                 and a.find("other-identifier").get("ref") == "2040412"
                 and a.findtext("title/narrative") == "Vatra shelter")
    assert [c.get("code") for c in vatra.findall("recipient-country")] == ["AL", "XK"]
    euro = [v for v in vatra.iter("value") if v.get("currency") == "EUR"]
    assert euro[0].get(P + "exchange-rate") == "11.50000000"


def test_a_portfolio_exported_imports_back_into_an_empty_instance_with_the_same_totals(
        cast, rich_project):
    seed_report(cast.emre, accept=True)
    before = _figures()
    counts = (Project.objects.count(), Agreement.objects.count(),
              Transaction.objects.count())
    content = iati_export.export(cast.emre)
    _empty_portfolio()
    assert not Project.objects.exists()
    report = _iati(cast.emre, content)
    assert report.imported, [str(f) for f in report.errors]
    assert _figures() == before
    assert (Project.objects.count(), Agreement.objects.count(),
            Transaction.objects.count()) == counts
    back = Project.objects.get(title="Vatra shelter")
    assert back.measures.get() == Measure.objects.get(code="12")
    assert (back.sampled_for_review, back.evaluation_status) == (True, "external")
    assert back.agreements.get(year=2026).carry_over == Decimal("400000")
    assert back.agreements.get(year=2026).channel.path() == ["Vest-Balkan"]
    assert {s.code: s.percentage for s in back.sectors.all()} == {
        "15190": Decimal("60"), "15180": Decimal("40")}
    assert FundingChannel.objects.get(name="Vest-Balkan", parent__name="Avd Europa og handel"
                                      ).path() == ["Utenriksdepartementet",
                                                   "Avd Europa og handel", "Vest-Balkan"]
    assert FundingChannel.objects.get(name="Ambassaden Lilongwe").kind == "embassy"
    # and importing it once more changes nothing
    again = _iati(cast.emre, content)
    assert again.imported and again.changes["written"] == 0
    assert _figures() == before


def test_one_project_exports_alone(cast, project_a, project_b):
    content = iati_export.export(cast.emre, project=project_a)
    identifiers = [e.text for e in parse(content).getroot().iter("iati-identifier")]
    assert len(identifiers) == 1 and identifiers[0].endswith("-2040412")


def test_a_donor_exports_only_what_it_funds(cast, project_a, project_b):
    content = iati_export.export(cast.dana)
    titles = [e.text for e in parse(content).getroot().iter("narrative")]
    assert "Vatra shelter" in titles and "Kyrgyz hotline" not in titles


def _broken(content: bytes, change) -> bytes:
    root = etree.fromstring(content)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def test_a_file_breaking_the_schema_is_refused_naming_element_line_and_reason(cast,
                                                                                project_a):
    good = iati_export.export(cast.emre, project=project_a)

    def drop_status(root):
        activity = root.find("iati-activity")
        activity.remove(activity.find("activity-status"))

    report = _iati(cast.emre, _broken(good, drop_status))
    assert not report.acceptable and not report.imported
    error = report.errors[0]
    assert error.kind == "schema" and error.rows[0] > 1
    assert "iati-activity" in error.field and "activity-status" in error.reason
    assert Project.objects.count() == 1  # nothing imported, the original stays alone


def test_a_code_outside_its_codelist_is_refused_naming_element_line_and_reason(cast,
                                                                                project_a):
    good = iati_export.export(cast.emre, project=project_a)
    bad = _broken(good, lambda root: root.find(".//transaction-type").set("code", "99"))
    line = next(n for n, text in enumerate(bad.decode().splitlines(), start=1)
                if 'code="99"' in text)
    report = _iati(cast.emre, bad)
    error = report.errors[0]
    assert (error.kind, error.rows) == ("codelist", [line])
    assert error.field == "iati-activity/transaction[1]/transaction-type/@code"
    assert "TransactionType" in error.reason and "99" in error.reason


def test_percentages_not_summing_to_100_are_refused(cast, project_a):
    good = iati_export.export(cast.emre, project=project_a)

    def two_countries(root):
        activity = root.find("iati-activity")
        status = activity.find("activity-status")
        for code in ("AL", "XK"):
            status.addnext(etree.Element("recipient-country", code=code, percentage="40"))

    def after_dates(root):  # recipient-country comes after the activity dates
        activity = root.find("iati-activity")
        dates = activity.findall("activity-date")
        for country in activity.findall("recipient-country"):
            dates[-1].addnext(country)

    bad = _broken(_broken(good, two_countries), after_dates)
    report = _iati(cast.emre, bad)
    assert [e.kind for e in report.errors] == ["invalid_value"]
    assert "sum to 80" in report.errors[0].reason


def test_no_entity_is_expanded_and_nothing_is_fetched(cast):
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<iati-activities version="2.03"><iati-activity>&e;</iati-activity>'
            b'</iati-activities>')
    report = _iati(cast.emre, evil)
    assert not report.acceptable
    assert "root:" not in str(report.as_dict())


def test_a_project_lacking_what_iati_requires_is_not_exported(cast):
    project = services.create_project(cast.emre, role="4", title="No dates yet")
    with pytest.raises(iati_export.ExportRefused, match="activity date"):
        iati_export.export(cast.emre, project=project)


def test_what_palermo_does_not_keep_is_said_in_the_report(cast, project_a):
    content = iati_export.export(cast.emre, project=project_a)

    def add_result(root):
        activity = root.find("iati-activity")
        result = etree.SubElement(activity, "result", type="1")
        etree.SubElement(etree.SubElement(result, "title"), "narrative").text = "Outputs"
        indicator = etree.SubElement(result, "indicator", measure="1")
        etree.SubElement(etree.SubElement(indicator, "title"), "narrative").text = "Trained"
        activity.find(P + "project").addprevious(result)

    project_a.delete()
    report = _iati(cast.emre, _broken(content, add_result))
    assert report.imported
    note = next(f for f in report.findings if f.kind == "not_kept")
    assert note.field == "result" and "result ×1" in note.reason
