"""What issue 13 found in imports, one test each: the exact refusal, warning or import."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from palermo.cases.models import Person
from palermo.core import crypto
from palermo.exchange.htcds import import_htcds
from palermo.exchange.template import import_cases
from tests.exchange.conftest import counts, csv_bytes
from tests.exchange.corpus import xlsx_book
from tests.exchange.xlsx_parts import Book

HEADER = "prs_FirstName,prs_SecondName,prs_Birthdate,prs_MobilePhone,prs_IdentityNumber"


def reasons(report) -> str:
    return "\n".join(f"{p.row} {p.field} {p.severity} {p.reason}" for p in report.problems)


def shown(report) -> str:
    """Everything the report shows a person (page, API, command line)."""
    return json.dumps(report.as_dict(), ensure_ascii=False) + report.summary()


def test_a_file_without_header_row_is_refused_without_repeating_the_first_row(cast):
    content = csv_bytes("fatima,Bello,27/9/2003,+999 555 0101,ID-4471",
                        "amina,Musa,1/10/2001,+999 555 0102,ID-4472")
    report = import_htcds(cast.fatima, content, "people.csv")
    assert report.file_refused and "no header row" in report.errors[0].reason
    assert report.unknown_columns == []
    for value in ("fatima", "Bello", "27/9/2003", "+999", "ID-4471"):
        assert value not in shown(report)


def test_unrecognised_headers_that_are_names_only_are_not_listed_either(cast):
    report = import_htcds(cast.fatima, csv_bytes("fatima,Bello", "amina,Musa"), "p.csv")
    assert "No column of the HTCDS spreadsheet was recognised" in reasons(report)
    assert "fatima" not in shown(report) and report.unknown_columns == []


def test_real_unknown_columns_are_still_listed(cast):
    report = import_htcds(cast.fatima, csv_bytes("prs_FirstName,Remarks,Year 2024",
                                                 "Ana,x,y"), "p.csv", dry_run=True)
    assert report.unknown_columns == ["Remarks", "Year 2024"] and report.valid == 1


@pytest.mark.parametrize("value", ["27/9/2003", "2003-09-27", "+999 555 0101", "ID-4471234",
                                   "fatima@example.org", "45382", "x" * 61])
def test_a_header_cell_that_is_a_value_means_no_header_row(cast, value):
    report = import_htcds(cast.fatima, csv_bytes(f"prs_FirstName,{value}", "Ana,x"), "p.csv")
    assert "no header row" in reasons(report) and value not in shown(report)


def test_a_json_file_named_csv_is_refused_without_its_records(cast):
    content = json.dumps([{"prs_FirstName": "Zulfiyaqa", "prs_Birthdate": "2001-05-17"}])
    report = import_htcds(cast.fatima, content.encode(), "cases.csv")
    assert "holds JSON" in reasons(report) and "Zulfiyaqa" not in shown(report)


@pytest.mark.parametrize(("line", "reason"), [
    ('Ana,"Okafor,2001-02-03,+999 1,ID-1', "quoted value begun on line 3 is not closed"),
    ('Ana,"Oka"for",2001-02-03,+999 1,ID-1', "stands in the middle of a value")])
def test_a_quote_out_of_place_refuses_the_file_and_quotes_nothing(cast, line, reason):
    content = csv_bytes(HEADER, "Bea,Bello,1999-09-09,+999 2,ID-2", line,
                        "Cleo,Zanetti,1998-01-01,+999 3,ID-3")
    before = counts()
    report = import_htcds(cast.fatima, content, "q.csv")
    assert report.file_refused and reason in report.errors[0].reason
    assert counts() == before
    assert not any(v in shown(report) for v in ("Okafor", "Zanetti", "+999", "2001-02-03"))


def test_rows_separated_otherwise_than_the_header_are_refused(cast):
    content = csv_bytes(HEADER, "Bea,Bello,1999-09-09,+999 2,ID-2",
                        "Ana;Okafor;2001-02-03;+999 1;ID-1")
    report = import_htcds(cast.fatima, content, "m.csv")
    [error] = report.errors
    assert error.row == 3 and "another character" in error.reason
    assert "Okafor" not in shown(report) and report.imported == 0


def test_a_csv_cut_off_mid_row_is_refused(cast):
    content = csv_bytes(HEADER, "Bea,Bello,1999-09-09,+999 2,ID-2",
                        "Ana,Okafor,2001-02-03,+999 1,ID-1")
    report = import_htcds(cast.fatima, content[:-12], "cut.csv")
    [error] = report.errors
    assert error.row == 3 and "cut off" in error.reason and report.imported == 0
    # Quarantine imports the complete rows and keeps the cut one.
    report = import_htcds(cast.fatima, content[:-12], "cut.csv", quarantine=True)
    assert (report.imported, report.quarantined) == (1, 1)


def test_a_csv_without_final_line_break_imports_with_a_word(cast):
    content = csv_bytes(HEADER, "Bea,Bello,1999-09-09,+999 2,ID-2")
    report = import_htcds(cast.fatima, content.rstrip(b"\n"), "nolf.csv")
    assert report.imported == 1
    [warning] = report.warnings
    assert warning.row == 2 and "does not end with a line break" in warning.reason


def test_a_file_in_two_encodings_is_refused_naming_its_lines(cast):
    content = (csv_bytes(HEADER, "Zoë,Bello,1999-09-09,,").decode() .encode("utf-8")
               + "Renée,Okafor,2001-02-03,,\n".encode("latin-1"))
    before = counts()
    report = import_htcds(cast.fatima, content, "two.csv")
    assert report.file_refused and "line(s) 3 are not UTF-8" in report.errors[0].reason
    assert counts() == before and "Ren" not in shown(report)


def test_a_windows_1252_file_still_imports(cast):
    content = "prs_FirstName,prs_SecondName\nRenée,Müller\n".encode("cp1252")
    assert import_htcds(cast.fatima, content, "w.csv").imported == 1
    assert Person.objects.get().full_name == "Renée Müller"


@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_identity_text_has_the_model_fields_length(cast, kind):
    name = "Qv" * 5_000_000  # 10 MB
    content = (json.dumps([{"prs_FirstName": name}]).encode() if kind == "json"
               else Book([["prs_FirstName"], [name]]).build())
    report = import_htcds(cast.fatima, content, f"big.{kind}")
    [error] = report.errors
    assert error.field == "prs_FirstName" and error.reason == "At most 200 characters."
    assert report.imported == 0


def test_the_length_is_the_model_fields_for_every_identity_column(cast):
    from palermo.exchange import htcds, template
    from palermo.exchange.fields import model_field

    checked = 0
    for layout in (htcds.LAYOUT, template.LAYOUT):
        for column in layout.columns:
            if column.identifying and column.kind == "text" and column.target.startswith(
                    "person."):
                assert column.max_length == model_field(column.target).max_length, column.key
                checked += 1
    assert checked >= 15


@pytest.mark.parametrize(("value", "reason"), [
    ("60", "A number is not a date"), ("9999", "A number is not a date"),
    ("1999-12-31 25:00", "not a time of day"), ("1999-12-31T10:61", "not a time of day"),
])
def test_numbers_and_impossible_times_are_not_birth_dates(cast, value, reason):
    report = import_htcds(cast.fatima, csv_bytes("prs_FirstName,prs_Birthdate",
                                                 f"Ana,{value}"), "d.csv")
    [error] = report.errors
    assert error.field == "prs_Birthdate" and reason in error.reason


@pytest.mark.parametrize(("value", "day"), [
    ("45382", dt.date(2024, 3, 31)), ("2024-03-31T10:30:00Z", dt.date(2024, 3, 31)),
    ("2024-03-31 23:59:59.5", dt.date(2024, 3, 31)), ("2024-03-31T10:30+02:00",
                                                       dt.date(2024, 3, 31))])
def test_excel_serials_and_real_times_are_still_read(cast, value, day):
    report = import_cases(cast.fatima, csv_bytes("given_name,opened_on", f"Ana,{value}"),
                          "d.csv")
    assert report.imported == 1, reasons(report)
    assert Person.objects.get().cases.get().opened_on == day


def test_a_year_alone_is_not_read_as_an_excel_date(cast):
    report = import_cases(cast.fatima, csv_bytes("given_name,opened_on", "Ana,2019"), "d.csv")
    assert "A number is not a date" in reasons(report)


def test_an_xlsx_formula_without_its_result_is_an_error_not_an_empty_cell(cast):
    book = xlsx_book([["Ana", ("f", 'CONCAT("Oka","for")', None), "2001-02-03"] + [""] * 10,
                      [("f", 'CONCAT("Be","a")', "Bea"), "Bello", "1999-09-09"] + [""] * 10])
    report = import_htcds(cast.fatima, book.build(), "f.xlsx", quarantine=True)
    [error] = report.errors
    assert (error.row, error.field) == (2, "prs_SecondName")
    assert "formula whose result the file does not hold" in error.reason
    # A formula with its result saved imports the result.
    assert report.imported == 1 and Person.objects.get().given_name == "Bea"


def test_a_spreadsheet_error_value_is_refused(cast):
    book = xlsx_book([["Ana", ("f", "1/0", "#DIV/0!")] + [""] * 11])
    assert "spreadsheet error" in reasons(import_htcds(cast.fatima, book.build(), "e.xlsx"))


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","x")', "@SUM(A1)",
                                  "+cmd|' /C calc'!A0"])
def test_formula_like_names_import_with_a_warning(cast, name):
    quoted = '"' + name.replace('"', '""') + '"'
    report = import_htcds(cast.fatima, csv_bytes("prs_FirstName,prs_SecondName,prs_MobilePhone",
                                                 f"{quoted},Bello,+999 555 0101"), "f.csv")
    assert report.imported == 1
    [warning] = report.warnings
    assert warning.field == "prs_FirstName" and "spreadsheet formula" in warning.reason
    assert Person.objects.get().given_name == name


def test_an_exported_file_imports_back_without_the_export_quotes(cast, case_a):
    from palermo.cases.services import update_person
    from palermo.core.models import Role
    from palermo.exchange import htcds_export
    from palermo.exchange.sealed import unseal
    from tests.conftest import confirmed_membership

    update_person(cast.amina, case_a.person, family_name="=Okafor")
    content = unseal(htcds_export.export_htcds(cast.fatima, "long enough passphrase")[1],
                     "long enough passphrase")[1]
    assert "'=Okafor" in content.decode("utf-8-sig")
    other = confirmed_membership(cast.boris.user, cast.mission, Role.SUPERVISOR)
    assert import_htcds(other, content, "back.csv").imported == 1
    back = Person.objects.get(organisation=cast.mission)
    assert (back.family_name, back.phone) == ("=Okafor", "+234 801 555 0101")


def test_a_name_with_a_cyrillic_letter_is_the_same_person(cast):
    content = csv_bytes("prs_FirstName,prs_SecondName,prs_Birthdate",
                        "Alexander,Bello,1990-01-01",
                        "Ale\u0445ander,Bello,1990-01-01")  # a Cyrillic х
    report = import_htcds(cast.fatima, content, "c.csv")
    [error] = report.errors
    assert error.row == 3 and "The same person as row 2" in error.reason


def test_a_cyrillic_letter_finds_the_registered_person(cast, person_a):
    content = csv_bytes("prs_FirstName,prs_SecondName,prs_Birthdate",
                        "\u0410daeze,Okaf\u043er,2001-05-17")  # Cyrillic А and о
    [error] = import_htcds(cast.fatima, content, "c.csv").errors
    assert "Already registered as" in error.reason


@pytest.mark.parametrize(("part", "damage"), [
    ("xl/worksheets/sheet1.xml", None), ("xl/worksheets/sheet1.xml", b"<worksheet><sheetD"),
    ("xl/workbook.xml", b"garbage"), ("xl/styles.xml", b"<styleSheet"),
    ("xl/sharedStrings.xml", b"\x00\x01"), ("[Content_Types].xml", None)])
def test_damaged_xlsx_parts_are_refused(cast, part, damage):
    book = xlsx_book()
    book.parts[part] = damage
    before = counts()
    report = import_htcds(cast.fatima, book.build(), "d.xlsx")
    assert report.file_refused and "sheet" in report.errors[0].reason
    assert counts() == before


def test_a_workbook_without_a_sheet_and_a_shared_string_out_of_range(cast):
    book = xlsx_book()
    book.parts["xl/workbook.xml"] = (
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheets/></workbook>")
    assert "no sheet" in reasons(import_htcds(cast.fatima, book.build(), "n.xlsx"))
    book = xlsx_book()
    sheet = zipfile.ZipFile(io.BytesIO(book.build())).read("xl/worksheets/sheet1.xml")
    book.parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<v>20</v>", b"<v>9999</v>")
    report = import_htcds(cast.fatima, book.build(), "s.xlsx")
    assert report.file_refused and "damaged" in report.errors[0].reason


@pytest.mark.parametrize("text", ["[" * 1000, '{"a":' * 1000 + "1" + "}" * 1000,
                                  "[" * 100_000 + "]" * 100_000])
def test_deeply_nested_json_is_refused(cast, text):
    report = import_htcds(cast.fatima, text.encode(), "deep.json")
    assert report.file_refused and report.imported == 0


def test_nested_values_and_constants_in_json_records(cast):
    records = [{"prs_FirstName": "Ana"}, {"prs_FirstName": [["Bea"]]}]
    report = import_htcds(cast.fatima, json.dumps(records).encode(), "n.json")
    [error] = report.errors
    assert error.row == 2 and "list of lists" in error.reason
    report = import_htcds(cast.fatima, b'[{"prs_FirstName": NaN}]', "n.json")
    assert report.file_refused


def test_the_api_answers_a_refused_file_with_its_report_never_a_500(api_client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_client("fatima")
    for dry_run, status in (("true", 200), ("false", 422)):
        response = client.post(f"/api/exchange/imports/htcds?dry_run={dry_run}",
                               {"file": SimpleUploadedFile("deep.json", b"[" * 5000)})
        assert response.status_code == status
        assert response.json()["problems"][0]["row"] == 0


def test_identity_digests_are_confusable_free():
    ring = crypto.Keyring.generate()
    assert ring.blind_index("Ale\u0445ander", "p") == ring.blind_index("ALEXANDER", "p")
