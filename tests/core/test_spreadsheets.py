"""Files that leave Palermo are safe to open: one writer, and every export goes through it.

1. The writer (``palermo.core.spreadsheets``): a CSV text cell that begins like a formula gets
   a single quote in front; numbers stay numbers; XLSX text is text (never a formula).
2. Found in the source: no module but the writer writes CSV or XLSX by itself
   (``csv.writer``, ``csv.DictWriter``, ``DataFrame.to_csv``, ``openpyxl.Workbook`` …), and
   every module that uses the writer has a test below that puts a hostile value through its
   export and finds it inert.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from palermo.core import spreadsheets

PACKAGE = Path(__file__).resolve().parents[2] / "palermo"
WRITER = "palermo/core/spreadsheets.py"
HOSTILE = '=HYPERLINK("http://evil.example","x")'
STARTS = ["=1+1", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]

# Modules that write CSV by themselves, and why that is not an export. (The benchmark
# harness, which writes plain CSV baselines, lives outside the product in palermo_bench/.)
NOT_EXPORTS: dict[str, str] = {}


# -- 1. the writer ------------------------------------------------------------------------

@pytest.mark.parametrize("text", STARTS + [HOSTILE])
def test_csv_text_that_begins_like_a_formula_gets_a_quote(text):
    written = list(csv.reader(io.StringIO(spreadsheets.csv_text([[text, "plain"]]))))
    assert written == [["'" + text, "plain"]]


def test_numbers_stay_numbers_and_other_text_is_unchanged():
    text = spreadsheets.csv_text([[-3, -2.5, 0, "Adaeze", "O'Neil", "", None, "a=b",
                                   dt.date(2020, 1, 2)]])
    assert text.strip() == "-3,-2.5,0,Adaeze,O'Neil,,,a=b,2020-01-02"


def test_dict_writer_and_frame_csv_neutralise_values():
    assert spreadsheets.dicts_csv([{"a": "=1", "b": -1}], ["a", "b"]).splitlines() == [
        "a,b", "'=1,-1"]
    frame = pd.DataFrame({"a": ["@x", "1", None], "n": [-1, 2, 3]})
    assert spreadsheets.frame_csv(frame).splitlines() == ["a,n", "'@x,-1", "1,2", ",3"]


@given(st.text())
def test_the_import_undoes_the_quote_exactly(text):
    assert spreadsheets.without_neutralising_quote(spreadsheets.neutralise(text)) == text


@pytest.mark.parametrize("text,formula", [
    ("=1", True), ("@x", True), ("+999 123 4567", False), ("-3", False), ("-", False),
    ("+1+cmd", True), ("-x", True), ("Adaeze", False), ("", False)])
def test_looks_like_formula(text, formula):
    assert spreadsheets.looks_like_formula(text) is formula


def xlsx_cells(content: bytes, sheet: int = 0):
    book = load_workbook(io.BytesIO(content))
    return [c for row in book.worksheets[sheet].iter_rows() for c in row]


def formulas_in(content: bytes) -> list[str]:
    """The formula elements of every sheet of an XLSX file, as written."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = {name: archive.read(name) for name in archive.namelist()
                  if name.startswith("xl/worksheets/")}
    return [name for name, xml in sheets.items() if b"<f>" in xml or b"<f " in xml]


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_text_is_text_never_a_formula(write_only):
    book = spreadsheets.Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    sheet.append([HOSTILE, -3, 2.5, "+999 1", "plain", dt.date(2020, 1, 2)])
    content = book.to_bytes()
    assert formulas_in(content) == []
    cells = xlsx_cells(content)
    assert [c.value for c in cells[:5]] == [HOSTILE, -3, 2.5, "+999 1", "plain"]
    assert [c.data_type for c in cells[:5]] == ["s", "n", "n", "s", "s"]
    assert [c.quotePrefix for c in cells[:5]] == [True, False, False, True, False]
    assert cells[5].is_date


def test_a_formula_set_on_a_cell_directly_is_still_written_as_text():
    book = spreadsheets.Workbook()
    book.active["B2"] = "=SUM(A1:A3)"
    book.active.cell(row=3, column=1, value="@cmd")
    content = book.to_bytes()
    assert formulas_in(content) == []
    assert {c.value for c in xlsx_cells(content)} >= {"=SUM(A1:A3)", "@cmd"}


# -- 2. found in the source ---------------------------------------------------------------

WRITING_CALLS = {("csv", "writer"), ("csv", "DictWriter")}
WRITING_METHODS = {"to_csv", "to_excel"}
WRITING_NAMES = {"Workbook", "WriteOnlyCell", "WriteOnlyWorksheet", "save_workbook"}
WRITING_MODULES = ("xlsxwriter", "xlwt", "pyexcel", "odf", "openpyxl.writer",
                   "openpyxl.workbook", "openpyxl.worksheet._write_only")


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE.parent).as_posix(), ast.parse(path.read_text("utf-8"))


def writes_by_itself(tree: ast.AST) -> list[str]:
    """How a module writes CSV or XLSX without the writer (empty: it does not)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in WRITING_CALLS:
                found.append(f"csv.{node.attr}")
            if node.attr in WRITING_METHODS:
                found.append(f".{node.attr}()")
            if isinstance(node.value, ast.Name) and node.value.id == "openpyxl" \
                    and node.attr in WRITING_NAMES:
                found.append(f"openpyxl.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if node.module == "csv" and names & {"writer", "DictWriter"}:
                found.append("from csv import writer")
            if node.module.startswith("openpyxl") and names & WRITING_NAMES:
                found.append(f"from {node.module} import {', '.join(names & WRITING_NAMES)}")
            if node.module.startswith(WRITING_MODULES):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith(WRITING_MODULES)]
    return found


WRITER_FUNCTIONS = {"csv_writer", "dict_writer", "csv_text", "csv_bytes", "dicts_csv",
                    "frame_csv", "Workbook", "xlsx_bytes"}


def uses_the_writer(tree: ast.AST) -> bool:
    """Does the module write a file through the writer (not merely read with its help)?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "palermo.core.spreadsheets" \
                and {a.name for a in node.names} & WRITER_FUNCTIONS:
            return True
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "spreadsheets" and node.attr in WRITER_FUNCTIONS:
            return True
    return False


def test_no_module_but_the_writer_writes_csv_or_xlsx():
    offenders = {name: found for name, tree in modules()
                 if name != WRITER and name not in NOT_EXPORTS
                 and (found := writes_by_itself(tree))}
    assert offenders == {}, "write CSV/XLSX through palermo.core.spreadsheets"
    # The exceptions still exist and still need their exception.
    assert all(writes_by_itself(tree) for name, tree in modules() if name in NOT_EXPORTS)


def test_the_finder_finds_what_it_looks_for():
    for source in ("import csv\ncsv.writer(x)", "from openpyxl import Workbook",
                   "import openpyxl\nopenpyxl.Workbook()", "frame.to_csv()",
                   "import xlsxwriter", "from csv import DictWriter"):
        assert writes_by_itself(ast.parse(source)), source
    assert not writes_by_itself(ast.parse("from openpyxl import load_workbook\n"
                                          "from openpyxl.styles import Font\ncsv.reader(x)"))


def test_every_module_that_exports_has_a_hostile_value_test():
    public = {name for name, value in vars(spreadsheets).items() if callable(value)
              and getattr(value, "__module__", "") == spreadsheets.__name__
              and not name.startswith("_")}
    assert public - {"neutralise", "without_neutralising_quote", "looks_like_formula"} \
        == WRITER_FUNCTIONS
    exporting = {name for name, tree in modules() if name != WRITER and uses_the_writer(tree)}
    assert exporting == set(HOSTILE_TESTS), (
        "a module writes files through the writer: add a test putting a hostile value "
        "through its export to HOSTILE_TESTS")


# -- every export, with a hostile value ---------------------------------------------------

def assert_inert_csv(text: str, hostile: str = HOSTILE) -> None:
    cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]
    assert "'" + hostile in cells
    assert not [c for c in cells if c.startswith(spreadsheets.FORMULA_START)
                and not _number(c)]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_inert_xlsx(content: bytes, hostile: str = HOSTILE) -> None:
    assert formulas_in(content) == []
    book = load_workbook(io.BytesIO(content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    found = [c for c in cells if c.value == hostile]
    assert found and all(c.data_type == "s" and c.quotePrefix for c in found)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_htcds_export(cast, case_a, fmt):
    from palermo.cases.services import update_person
    from palermo.exchange import htcds_export
    from palermo.exchange.sealed import unseal

    update_person(cast.amina, case_a.person, family_name=HOSTILE, middle_name="@SUM(1)")
    _name, sealed, _count = htcds_export.export_htcds(cast.fatima, "long enough passphrase",
                                                      fmt=fmt)
    content = unseal(sealed, "long enough passphrase")[1]
    if fmt == "csv":
        assert_inert_csv(content.decode("utf-8"))
        assert_inert_csv(content.decode("utf-8"), "@SUM(1)")
        assert "'+234 801 555 0101" in content.decode("utf-8")  # the phone: text, quoted
    else:
        assert_inert_xlsx(content)


def test_ctdc_release_and_dictionary(monkeypatch):
    from palermo.exchange import ctdc

    release = ctdc.CtdcRelease(data=pd.DataFrame({"citizenship": [HOSTILE, "NGA"],
                                                  "yearOfRegistration": [2020, -1]}),
                               method="kanon", parameters={}, real_rows=2)
    text = release.csv().decode("utf-8")
    assert_inert_csv(text)
    assert "-1" in text.splitlines()[2]  # a number stays a number
    monkeypatch.setattr(ctdc, "data_dictionary", lambda: [{"variable": HOSTILE}])
    assert_inert_csv(ctdc.dictionary_csv().decode("utf-8"))


def test_export_command_utility_file(tmp_path, monkeypatch, cast):
    from django.core.management import call_command

    from palermo.exchange import ctdc

    class Utility:
        def rows(self):
            return [{"columns": HOSTILE, "error": -0.5}]

    release = ctdc.CtdcRelease(data=pd.DataFrame({"a": ["1"]}), method="synthetic",
                               parameters={}, real_rows=1, utility=Utility(), release_id=1)
    monkeypatch.setattr(ctdc, "export", lambda *a, **k: release)
    call_command("export", "ctdc", "--out", str(tmp_path / "c.csv"), "--org", "NGO A",
                 "--as", "fatima", stdout=io.StringIO())
    text = (tmp_path / "c.utility.csv").read_text("utf-8")
    assert_inert_csv(text)
    assert text.splitlines()[1].endswith(",-0.5")


def test_case_template(monkeypatch):
    from palermo.exchange import template

    first = template.columns()[0]
    monkeypatch.setattr(template, "columns", lambda: (
        dataclasses.replace(first, key=HOSTILE, help=HOSTILE),))
    assert_inert_csv(template.template_csv().decode("utf-8"))
    assert_inert_xlsx(template.template_xlsx())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_statistics_tables(cast, fmt):
    from palermo.analytics.outputs import to_csv, to_xlsx
    from palermo.analytics.publication import publish_tables
    from palermo.analytics.specs import shipped_specs

    spec = dataclasses.replace(shipped_specs()["ctm_full_sample"], title=HOSTILE,
                               source="-" + HOSTILE)
    tables = publish_tables([spec], scope_orgs=(cast.ngo_a.pk,), real_counts=True)
    if fmt == "csv":
        assert_inert_csv(to_csv(tables))
        assert_inert_csv(to_csv(tables), "-" + HOSTILE)
    else:
        assert_inert_xlsx(to_xlsx(tables))


def test_survey_results(cast):
    from palermo.questionnaires import results
    from tests.questionnaires.test_confidential import publish

    version = publish("awareness_survey")
    found = results.compute(cast.emre, version.form)
    found.form.title = HOSTILE
    found.columns = [HOSTILE, *found.columns[1:]]
    assert_inert_xlsx(results.to_xlsx(found))


def test_portfolio_tables(cast):
    from palermo.programmes import reading, services
    from palermo.programmes.models import Project

    services.create_project(cast.emre, role="4", title=HOSTILE)
    projects = Project.objects.all()
    assert_inert_csv(reading.portfolio_csv(projects).decode("utf-8"))
    assert_inert_xlsx(reading.portfolio_xlsx(projects))


def test_library_and_lessons_tables(cast):
    from palermo.learning import catalogue, library

    library.save_publication(cast.emre, {"title": HOSTILE, "summary": "-" + HOSTILE})
    assert_inert_csv(catalogue.export_catalogue(cast.chen, "csv").content.decode("utf-8-sig"))
    assert_inert_xlsx(catalogue.export_catalogue(cast.chen, "xlsx").content)


HOSTILE_TESTS = {
    "palermo/exchange/htcds_export.py": test_htcds_export,
    "palermo/exchange/ctdc.py": test_ctdc_release_and_dictionary,
    "palermo/exchange/management/commands/export.py": test_export_command_utility_file,
    "palermo/exchange/template.py": test_case_template,
    "palermo/analytics/outputs.py": test_statistics_tables,
    "palermo/questionnaires/results.py": test_survey_results,
    "palermo/programmes/reading.py": test_portfolio_tables,
    "palermo/learning/spreadsheets.py": test_library_and_lessons_tables,
}
