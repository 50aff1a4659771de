"""The Palermo case template: generated from the models, documented, imported like HTCDS."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from palermo.cases.facts import FACT_FIELDS
from palermo.cases.models import Case, CaseFact
from palermo.exchange import template
from tests.exchange.conftest import counts, csv_bytes


def test_every_casefact_variable_is_filled_from_the_template():
    sources = template.fact_sources()
    assert set(sources) == set(FACT_FIELDS)
    assert "?" not in sources.values()


def test_the_template_has_every_person_and_case_field_a_user_enters():
    keys = {c.key for c in template.columns()}
    assert {"given_name", "birth_date", "citizenship", "other_citizenships", "opened_on",
            "case_status", "closure_reason", "client_category", "exploitation_types",
            "means_of_control", "origin_country", "exploitation_countries",
            "exploitation_months", "knew_risks", "awareness_sources", "caseworker"} <= keys
    assert not keys & {"number", "version", "name_index", "organisation", "registered_by"}


def test_template_files_and_their_column_guide():
    header = template.template_csv().decode("utf-8-sig").strip().split(",")
    assert header == [c.key for c in template.columns()]
    book = openpyxl.load_workbook(io.BytesIO(template.template_xlsx()))
    assert [c.value for c in book["cases"][1]] == header
    guide = {row[0]: row for row in book["columns"].iter_rows(min_row=2, values_only=True)}
    assert "ActualVictimOfTrafficking" in guide["trafficking_status"][4]
    assert "encrypted" in guide["given_name"][5]
    assert "| `case_status` |" in template.markdown_table()


def test_a_legacy_spreadsheet_imports_through_the_template(cast):
    content = csv_bytes(
        "given_name,family_name,birth_date,gender,citizenship,opened_on,case_status,"
        "closure_reason,client_category,identified_on,trafficking_type,origin_country,"
        "exploitation_countries,exploitation_types,means_of_control,exploitation_months,"
        "knew_risks,awareness_sources,caseworker",
        "Mira,Test,1990-06-01,Feminine,MDA,2009-03-01,Closed,Returned home,victim,"
        "2009-02-20,transnational,MDA,TUR;RUS,ForcedLabour,DebtBondage,7,no,,amina")
    report = template.import_cases(cast.fatima, content, "ctm-2009.csv")
    assert report.imported == 1, report.as_dict()
    case = Case.objects.get()
    assert case.number.endswith("-2009-00001") and case.status == "Closed"
    assert case.exploitation_countries == ["TUR", "RUS"]
    fact = CaseFact.objects.get()
    assert (fact.year, fact.age, fact.origin_region != "", fact.destination_country,
            fact.exploitation_months, fact.knew_risks) == (2009, 18, True, "TUR", 7, "no")
    assert case.opened_on == dt.date(2009, 3, 1)


def test_template_errors_name_row_field_and_reason(cast):
    before = counts()
    report = template.import_cases(cast.fatima, csv_bytes(
        "given_name,client_category,exploitation_months", "Ana,refugee,3",
        "Bea,victim,three"), "t.csv")
    assert report.imported == 0 and counts() == before
    assert [(p.row, p.field) for p in report.errors] == [(2, "client_category"),
                                                         (3, "exploitation_months")]


def test_docs_list_every_template_column():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    missing = [c.key for c in template.columns() if f"| `{c.key}` |" not in text]
    assert missing == []
