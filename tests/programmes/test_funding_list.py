"""Seed 002's funding list (data/norad_2007_project_list.tsv, lines 2054–2259 of the seed):
every defect in it is reported before anything is written; the accepted import is one
transaction; its totals reconcile with the list; importing it again changes nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from palermo.programmes import imports, totals
from palermo.programmes.funding_list import parse_amount
from palermo.programmes.funding_write import Writer
from palermo.programmes.models import (
    Agreement,
    Budget,
    FundingChannel,
    Partner,
    PartnerAlias,
    PortfolioImport,
    Project,
    Transaction,
)
from tests.programmes.conftest import SEED, seed_report

# Every kind of defect the seed list has, and one place (line of the file) where it is.
SEED_DEFECTS = {
    "stray_header": 43, "subtotal_row": 97, "duplicate_row": 198, "missing_amount": 23,
    "missing_number": 48, "malformed_number": 127, "missing_country": 47,
    "alias_recipient": 24, "proposed_recipient": 72, "unknown_recipient": 107,
    "joint_recipients": 126, "unit_typo": 25, "number_recipients": 8, "number_titles": 12,
    "number_countries": 194, "country_title": 91, "title_marker": 47, "preamble": 3,
    "list_year": 1,
}
MODELS = (Project, Agreement, Transaction, Budget, FundingChannel, Partner, PartnerAlias)


def counts() -> dict[str, int]:
    """Rows of every portfolio table and of its history."""
    return {m.__name__: (m.objects.count(), m.history.count()) for m in MODELS}


def finding(report, kind: str, line: int):
    found = [f for f in report.findings if f.kind == kind and line in f.rows]
    assert found, f"no {kind} finding at line {line}: {[str(f) for f in report.findings]}"
    return found[0]


def list_amounts() -> tuple[Decimal, Decimal]:
    """The list's own sums, read independently of the importer: every amount of a row with
    a project title, the duplicated line once, years after 2007 apart (planned)."""
    committed = planned = Decimal("0")
    seen = set()
    for cells in csv.reader(io.StringIO(SEED.decode("utf-8")), delimiter="\t"):
        if len(cells) < 8 or not cells[5] or not cells[7].isdigit() or tuple(cells) in seen:
            continue
        seen.add(tuple(cells))
        if int(cells[6]) > 2007:
            planned += Decimal(cells[7])
        else:
            committed += Decimal(cells[7])
    return committed, planned


def test_every_defect_kind_of_the_seed_list_is_reported_and_nothing_is_written(cast):
    before = counts()
    report = seed_report(cast.emre)
    assert report.acceptable and not report.imported
    for kind, line in SEED_DEFECTS.items():
        finding(report, kind, line)
    assert "currency_assumed" not in report.kinds()  # the currency was given
    assert counts() == before
    assert not PortfolioImport.objects.exists()


def test_what_the_report_says_about_the_seed_list(cast):
    report = seed_report(cast.emre)
    assert "Ambassaden Lilongwe" in finding(report, "unit_typo", 25).action
    assert finding(report, "subtotal_row", 97).reason.endswith("the sum of rows 95, 96 above.")
    assert finding(report, "duplicate_row", 198).rows == [197, 198]
    assert finding(report, "malformed_number", 127).value == "202061"
    kn = finding(report, "alias_recipient", 24)
    assert (kn.value, kn.rows) == ("KN", [24, 25, 26, 71])
    assert "Kirkens Nødhjelp" in kn.action
    assert "Redd Barna" in finding(report, "alias_recipient", 28).action
    assert "Several recipients" in finding(report, "alias_recipient", 27).action
    assert "Krisesentersekretariatet" in finding(report, "proposed_recipient", 72).reason
    assert "International Labour Organization, International Organization for Migration" in \
        finding(report, "number_recipients", 8).reason
    assert "Montenegro" in finding(report, "country_title", 91).reason
    assert [f.rows for f in report.findings if f.kind == "stray_header"] == [[43], [190]]
    assert report.rows == 188
    assert report.changes["projects_new"] == 143 and report.changes["agreements_new"] == 188


def test_the_accepted_list_is_imported_and_its_totals_reconcile(cast):
    report = seed_report(cast.emre, accept=True)
    assert report.imported
    assert (Project.objects.count(), Agreement.objects.count()) == (143, 188)
    committed, planned = list_amounts()
    assert (committed, planned) == (Decimal("212629118"), Decimal("31403500"))
    figures = totals.portfolio(Project.objects.all())
    assert set(figures.totals) == {"NOK"}
    nok = figures.totals["NOK"]
    assert (nok.committed, nok.planned, nok.disbursed) == (committed, planned, 0)
    assert sum((f.committed for _p, f in figures.rows), Decimal(0)) == committed
    assert report.totals == {"NOK": {"committed": str(committed), "planned": str(planned)}}
    # The differences are shown, not hidden: nothing of the list is disbursed yet.
    assert nok.committed_not_disbursed == committed


def test_what_the_import_makes_of_the_defects(cast):
    seed_report(cast.emre, accept=True)
    assert not FundingChannel.objects.filter(name__startswith="Ambassadeb").exists()
    assert FundingChannel.objects.filter(kind="embassy").count() == 8  # no two merged
    lilongwe = FundingChannel.objects.get(name="Ambassaden Lilongwe")
    assert lilongwe.agreements.count() == 3 and lilongwe.kind == "embassy"
    assert FundingChannel.objects.get(name="Vest-Balkan").path() == [
        "Utenriksdepartementet", "Avd Europa og handel", "Vest-Balkan"]
    malawi = Project.objects.get(own_number="MWI-2606")
    assert {a.recipient.name for a in malawi.agreements.all()} == {"Kirkens Nødhjelp"}
    glo = Project.objects.get(own_number="GLO-0603")
    laos_2008 = glo.transactions.filter(date__year=2008, agreement__title__contains="Savann")
    assert [t.value for t in laos_2008] == []  # after 2007: planned, a budget
    assert [b.value for b in glo.budgets.filter(period_start__year=2008,
                                                agreement__title__contains="Savann")] == \
        [Decimal("324000")]  # the duplicated line counted once
    shares = {c.country_id: c.percentage for c in glo.countries.all()}
    regions = {r.code: r.percentage for r in glo.regions.all()}
    assert set(shares) == {"LAO", "GTM", "VNM"} and set(regions) == {"798"}
    assert sum(shares.values()) + sum(regions.values()) == 100
    nepal = Project.objects.get(own_number="NPL-2936")
    assert nepal.agreements.count() == 1 and not nepal.transactions.exists()
    assert PartnerAlias.objects.get(name="Krisesentersekr").partner.name == \
        "Krisesentersekretariatet"
    assert Partner.objects.filter(name="Happy Childho").exists()  # unknown: registered
    funder = Partner.objects.get(organisation=cast.ngo_a)
    assert all(p.participations.filter(partner=funder, role="1").exists()
               for p in Project.objects.all())
    assert Project.objects.get(own_number="1010359").status == "4"  # 2001: closed by 2007
    assert Project.objects.get(own_number="RAS-2723").status == "2"  # runs to 2010


def test_importing_the_same_list_again_changes_nothing(cast):
    seed_report(cast.emre, accept=True)
    before = counts()
    again = seed_report(cast.emre, accept=True)
    assert again.imported and again.changes["written"] == 0
    assert again.changes["agreements_unchanged"] == 188
    assert counts() == before
    assert "Nothing to change" in again.summary()


def test_an_accepted_import_is_one_transaction(cast, monkeypatch):
    """A failure halfway leaves nothing behind: no project, partner, alias or channel."""
    before = counts()
    calls = {"n": 0}
    original = Writer._agreement

    def failing(self, project, planned):
        calls["n"] += 1
        if calls["n"] == 100:
            raise RuntimeError("disk full")
        return original(self, project, planned)

    monkeypatch.setattr(Writer, "_agreement", failing)
    with pytest.raises(RuntimeError):
        seed_report(cast.emre, accept=True)
    assert counts() == before


def test_the_page_flow_writes_nothing_until_the_report_is_accepted(cast):
    batch = imports.check_upload(cast.emre, SEED, "list.tsv", imports.FUNDING_LIST,
                                 {"currency": "NOK"})
    assert batch.status == PortfolioImport.Status.CHECKED and not Project.objects.exists()
    report = imports.accept(cast.emre, batch)
    batch.refresh_from_db()
    assert report.imported and batch.status == PortfolioImport.Status.IMPORTED
    assert bytes(batch.content) == b""  # the file is not kept once imported
    assert Project.objects.count() == 143


def _bad_list(cell: str) -> bytes:
    header = "Ambassade\t\tLand\tProsj.nr\tMottaker\tProsjekt\tÅr\tTilsagn\n"
    good = "Ambassaden Dhaka\t\tBangladesh\tBGD-3100\tIOM\tTrafficking\t2007\t2000000\n"
    bad = f"Ambassaden Dhaka\t\tBangladesh\tBGD-3100\tIOM\tTrafficking\t2008\t{cell}\n"
    return (header + good + bad).encode("utf-8")


@pytest.mark.parametrize("cell, kind", [("2 000 000 NOK x", "bad_amount"),
                                        ("12O000", "bad_amount")])
def test_a_list_with_an_error_is_refused_naming_row_field_and_reason(cast, cell, kind):
    report = imports.run(cast.emre, _bad_list(cell), "list.tsv", imports.FUNDING_LIST,
                         accept=True)
    assert not report.acceptable and not report.imported
    error = report.errors[0]
    assert (error.kind, error.rows, error.field) == (kind, [3], "amount")
    assert not Project.objects.exists()


def test_xlsx_and_csv_lists_read_like_the_tsv(cast):
    rows = [line.split("\t") for line in _bad_list("1.500.000").decode().splitlines()]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([int(c) if c.isdigit() else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    for content, name in ((buffer.getvalue(), "list.xlsx"),
                          (text.getvalue().encode("utf-8"), "list.csv"),
                          (_bad_list("1.500.000"), "list.tsv")):
        report = imports.run(cast.emre, content, name, imports.FUNDING_LIST,
                             {"currency": "NOK", "list_year": 2007})
        assert report.acceptable, name
        assert report.totals == {"NOK": {"committed": "2000000", "planned": "1500000"}}


def test_without_a_currency_the_report_says_which_is_assumed(cast):
    report = imports.run(cast.emre, _bad_list("5"), "list.tsv", imports.FUNDING_LIST)
    assumed = [f for f in report.findings if f.kind == "currency_assumed"]
    assert assumed and assumed[0].value == "EUR"


@given(st.integers(min_value=0, max_value=10**12),
       st.sampled_from(["", " ", ".", ",", "\u00a0", "'"]))
def test_amounts_read_with_any_thousands_separator(number, separator):
    written = f"{number:,}".replace(",", separator)
    assert parse_amount(written) == number
