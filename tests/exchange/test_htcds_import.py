"""Importing HTCDS files: the real template, header quirks, every kind of bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from palermo.cases.models import Case, CaseFact, Person, TraffickingEvent
from palermo.exchange.htcds import import_htcds
from palermo.exchange.models import ImportBatch, QuarantinedRow
from tests.exchange.conftest import assert_ciphertext_only, counts, csv_bytes


def test_the_published_htcds_template_imports_with_its_header_quirks(cast, htcds_xlsx):
    report = import_htcds(cast.fatima, htcds_xlsx, "htcds.xlsx")
    assert report.errors == [] and report.rows == 4 and report.imported == 4
    # The misspelt header and the column named only in the label row were recognised.
    assert "vic_TraffickinStatusDecisionMakingOrg" not in report.unknown_columns
    assert "Reason for Outgoing Referral" in report.unused_columns
    first = Case.objects.get(opened_on=dt.date(2024, 2, 11))
    assert first.status_decided_by == "Police"
    assert first.means_of_control == ["DebtBondage", "FalsePromises"]
    assert first.exploitation_countries == ["ITA"]
    assert first.assigned_to == cast.amina.user
    assert first.person.full_name == "Testa Uno"
    assert first.person.birth_date == dt.date(1998, 4, 3)  # a spreadsheet date
    second = Case.objects.get(opened_on=dt.date(2024, 3, 23))  # 23/03/2024: unambiguous
    assert second.person.birth_date == dt.date(1992, 1, 1)  # Excel serial 33604
    assert second.person.gender == "Masculine"  # "masculine": case ignored
    assert (second.person.citizenship_id, second.person.other_citizenships) == ("KGZ", ["KAZ"])
    assert second.means_of_control == ["WithholdsDocuments", "ExcessiveWorkingHours"]
    assert second.status == "Closed" and second.closure_reason
    assert set(TraffickingEvent.objects.filter(case=second).values_list("type", "place")) == {
        ("Recruitment", "Osh"), ("Exploitation", "RUS")}
    assert CaseFact.objects.count() == 4 and Person.history.count() == 4
    assert Case.history.filter(history_user=cast.fatima.user).count() == 4
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert (batch.status, batch.imported) == ("imported", 4)


def test_identity_data_is_encrypted_in_the_database(cast, htcds_xlsx):
    import_htcds(cast.fatima, htcds_xlsx, "htcds.xlsx")
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name, family_name, birth_date, phone FROM cases_person")
        stored = [v for row in cursor.fetchall() for v in row]
        cursor.execute("SELECT given_name FROM cases_historicalperson")
        stored += [r[0] for r in cursor.fetchall()]
    assert_ciphertext_only(stored, ("Testa", "Uno", "1998-04-03", "555 0001"))


def test_dry_run_reports_and_writes_nothing(cast, htcds_xlsx):
    before = counts()
    report = import_htcds(cast.fatima, htcds_xlsx, "htcds.xlsx", dry_run=True)
    assert report.dry_run and report.valid == 4 and report.imported == 0
    assert counts() == before and not ImportBatch.objects.exists()


def test_headers_in_another_order_with_spaces_and_case_differences(cast):
    content = csv_bytes("\u00a0PRS_secondname ; prs_FirstName\u00a0;Prs_Gender;"
                        "vic_typeofexploitation",
                        "Kowalska;Anna;Feminine;ForcedLabour|ForcedBegging")
    report = import_htcds(cast.fatima, content, "people.csv")
    assert report.imported == 1, report.as_dict()
    person = Person.objects.get()
    assert (person.given_name, person.family_name) == ("Anna", "Kowalska")
    assert person.cases.get().exploitation_types == ["ForcedLabour", "ForcedBegging"]


def test_json_records_import(cast):
    content = json.dumps({"records": [{"prs_FirstName": "Ola", "prs_Birthdate": "2001-02-03",
                                       "vic_MethodsOfControl": ["DebtBondage"]}]}).encode()
    report = import_htcds(cast.fatima, content, "cases.json")
    assert report.imported == 1
    assert Case.objects.get().means_of_control == ["DebtBondage"]


@pytest.mark.parametrize(("line", "field", "reason"), [
    ("Ana;Feminin;2001-02-03;2", "prs_Gender", "not one of the allowed values"),
    ("Ana;Feminine;31/31/2001;2", "prs_Birthdate", "No such day"),
    ("Ana;Feminine;someday;2", "prs_Birthdate", "Not a date"),
    ("Ana;Feminine;2099-01-01;2", "prs_Birthdate", "in the future"),
    ("Ana;Feminine;03/04/2001;2", "prs_Birthdate", "Ambiguous date"),
    ("Ana;Feminine;2001-02-03;many", "prs_NumberOfChildren", "whole number"),
    (";Feminine;2001-02-03;2", "prs_FirstName", "required"),
])
def test_a_bad_cell_names_row_field_and_reason_and_nothing_is_written(cast, line, field,
                                                                       reason):
    header = "prs_FirstName;prs_Gender;prs_Birthdate;prs_NumberOfChildren"
    good = "Bea;Feminine;1999-09-09;0"
    before = counts()
    report = import_htcds(cast.fatima, csv_bytes(header, good, line), "bad.csv")
    assert report.imported == 0 and counts() == before
    [problem] = report.errors
    assert (problem.row, problem.field) == (3, field) and reason in problem.reason
    assert ImportBatch.objects.get().status == "refused"


def test_identity_values_are_not_repeated_in_the_report(cast):
    report = import_htcds(cast.fatima, csv_bytes("prs_FirstName,prs_Citizenship,prs_Birthdate",
                                                 "Ana,Atlantis,1/2/3"), "x.csv")
    reasons = " ".join(p.reason for p in report.errors)
    assert "Unknown country" in reasons and "Not a date" in reasons
    # No cell is repeated, not even of a column that is not identifying: in a row whose
    # values slid into the wrong columns, the country column may hold a name (issue 13).
    assert "Atlantis" not in reasons and "1/2/3" not in reasons


def test_date_order_resolves_ambiguous_dates(cast):
    content = csv_bytes("prs_FirstName,prs_Birthdate", "Ana,03/04/2001")
    report = import_htcds(cast.fatima, content, "x.csv", date_order="mdy")
    assert report.imported == 1
    assert Person.objects.get().birth_date == dt.date(2001, 3, 4)


def test_a_closed_case_without_reason_is_refused_by_the_case_rules(cast):
    report = import_htcds(cast.fatima, csv_bytes("prs_FirstName,cas_Status", "Ana,Closed"),
                          "x.csv", dry_run=True)
    [problem] = report.errors
    assert problem.row == 2 and "reason" in problem.reason.lower()


@pytest.mark.parametrize(("content", "name", "reason"), [
    (b"", "empty.csv", "empty"),
    (b"   \n", "blank.xlsx", "empty"),
    (b"prs_FirstName\n", "header-only.csv", "no data rows"),
    (b"colour,shape\nred,round\n", "other.csv", "No column"),
    (b'[{"prs_FirstName": ', "broken.json", "Not valid JSON"),
    (b"hello", "notes.pdf", "Unknown file type"),
])
def test_unreadable_files_give_a_clear_report(cast, content, name, reason):
    before = counts()
    report = import_htcds(cast.fatima, content, name)
    assert report.imported == 0 and counts() == before
    assert report.file_refused and reason in report.errors[0].reason


def test_a_truncated_xlsx_is_refused(cast, htcds_xlsx):
    before = counts()
    report = import_htcds(cast.fatima, htcds_xlsx[: len(htcds_xlsx) // 2], "cut.xlsx")
    assert report.imported == 0 and counts() == before
    assert "truncated" in report.errors[0].reason


def test_duplicates_with_registered_persons_and_within_the_file(cast, person_a):
    content = csv_bytes(
        "prs_FirstName,prs_SecondName,prs_Birthdate,prs_IdentityNumber",
        "Adaeze,Okafor,2001-05-17,",  # person_a: same name and birth date
        "Ngozi,Eze,1990-01-01,N1",
        "ngozi,EZE,1990-01-01,",  # the row above again
        "Adaeze,Okafor,1970-01-01,")  # same name only: a warning
    before = counts()
    report = import_htcds(cast.fatima, content, "dups.csv")
    assert report.imported == 0 and counts() == before
    by_row = {p.row: p for p in report.problems}
    assert person_a.reference in by_row[2].reason and by_row[2].severity == "error"
    assert "row 3" in by_row[4].reason
    assert by_row[5].severity == "warning" and person_a.reference in by_row[5].reason


def test_quarantine_imports_good_rows_and_keeps_bad_ones_encrypted(cast):
    content = csv_bytes("prs_FirstName,prs_Gender", "Ana,Feminine", "Bea,Sometimes",
                        "Cleo,Masculine")
    report = import_htcds(cast.fatima, content, "q.csv", quarantine=True)
    assert (report.imported, report.quarantined) == (2, 1)
    row = QuarantinedRow.objects.get()
    assert row.row == 3 and row.data["values"]["prs_FirstName"] == "Bea"
    assert row.data["problems"][0]["field"] == "prs_Gender"
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM exchange_quarantinedrow")
        assert "Bea" not in cursor.fetchone()[0]
    assert ImportBatch.objects.get().status == "quarantined"


@pytest.mark.parametrize("name", ["amina", "boris", "emre", "chen", "dana", "root"])
def test_only_supervisors_import(cast, name, htcds_xlsx):
    with pytest.raises(PermissionDenied):
        import_htcds(cast.membership(name), htcds_xlsx, "htcds.xlsx", dry_run=True)
    assert counts() == (0, 0, 0, 0)
