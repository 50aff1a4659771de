"""Imports set the data source of the cases they open: the channel, never a file's column."""

from __future__ import annotations

from palermo.cases.models import Case, CaseFact
from palermo.exchange import template
from palermo.exchange.htcds import import_htcds
from tests.exchange.conftest import csv_bytes


def _sources(model) -> list[str]:
    return sorted(model.objects.values_list("data_source", flat=True))


def test_an_htcds_file_opens_htcds_import_cases(cast, case_a):
    report = import_htcds(cast.fatima, csv_bytes(
        "prs_FirstName,prs_SecondName,prs_Gender,vic_TypeOfExploitation",
        "Anna,Kowalska,Feminine,ForcedLabour", "Ola,Nowak,Masculine,ForcedBegging"),
        "cases.csv")
    assert report.imported == 2, report.as_dict()
    # case_a, entered by hand, stays "casework" beside the two imported cases.
    assert _sources(Case) == _sources(CaseFact) == ["casework", "htcds_import", "htcds_import"]
    assert sorted(Case.history.values_list("data_source", flat=True)) == [
        "casework", "htcds_import", "htcds_import"]


def test_a_template_file_opens_template_import_cases_whatever_its_columns_say(cast):
    report = template.import_cases(cast.fatima, csv_bytes(
        "given_name,opened_on,client_category,data_source",
        "Mira,2009-03-01,victim,casework", "Lena,2010-05-01,possible_victim,htcds_import"),
        "ctm-2009.csv")
    assert report.imported == 2, report.as_dict()
    assert "data_source" in report.unknown_columns  # listed and ignored
    assert _sources(CaseFact) == ["template_import", "template_import"]
    assert set(CaseFact.objects.values_list("year", "client_category")) == {
        (2009, "victim"), (2010, "possible_victim")}


def test_the_template_has_no_data_source_column_and_says_how_it_is_set():
    assert "data_source" not in {c.key for c in template.columns()}
    assert "template_import" in template.fact_sources()["data_source"]
    assert "data_source" not in template.template_csv().decode("utf-8-sig")
