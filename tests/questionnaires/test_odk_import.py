"""Importing ODK Central and KoboToolbox exports: good rows in one transaction, every bad
row reported with row, field and reason, duplicates skipped."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError

from palermo.questionnaires import odk_import
from palermo.questionnaires.models import Submission, SubmissionSource
from tests.questionnaires.test_confidential import publish

ODK_HEADER = ["SubmissionDate", "respondent-round", "respondent-age_band", "respondent-sex",
              "knowledge-heard_of_trafficking", "knowledge-known_risks",
              "campaign-saw_campaign", "meta-instanceID", "KEY", "SubmitterID",
              "SubmitterName", "ReviewState"]


def odk_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ODK_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def odk_row(n: int, round_="baseline", age="20_24", heard="yes", risks="debt unpaid",
            saw=""):
    iid = f"uuid:0000-{n:04d}"
    return ["2025-04-02T09:15:00.000Z", round_, age, "female", heard, risks, saw, iid, iid,
            "7", "enumerator seven", ""]


@pytest.fixture
def awareness(db):
    return publish("awareness_survey")


def test_an_odk_export_imports_good_rows_and_reports_every_bad_one(cast, awareness):
    data = odk_csv([
        odk_row(1), odk_row(2, round_="followup", saw="yes"),
        odk_row(3, round_=""),                         # line 4: required answer missing
        odk_row(4, age="99"),                          # line 5: not a choice
        odk_row(5, risks="debt teleportation"),        # line 6: not a choice
        odk_row(1),                                    # line 7: duplicate of line 2
    ])
    report = odk_import.import_submissions(cast.emre, awareness.form, data)
    assert report.format == "odk" and report.rows == 6
    assert report.imported == 2
    assert [(p.row, p.field) for p in report.problems] == [
        (4, "round"), (5, "age_band"), (6, "known_risks")]
    assert "required" in report.problems[0].reason
    assert "99" in report.problems[1].reason and "teleportation" in report.problems[2].reason
    assert report.duplicates == [(7, "0000-0001")]
    stored = Submission.objects.order_by("pk")
    assert [s.answers["round"] for s in stored] == ["baseline", "followup"]
    assert stored[0].answers["known_risks"] == ["debt", "unpaid"]
    assert stored[0].source == SubmissionSource.ODK and stored[0].author is None
    assert str(stored[0].submitted_on) == "2025-04-02"
    assert "enumerator" not in json.dumps([s.answers for s in stored])
    # importing the same file again: everything is a duplicate or still bad
    again = odk_import.import_submissions(cast.emre, awareness.form, data)
    assert again.imported == 0 and len(again.duplicates) == 3
    assert Submission.objects.count() == 2


def test_accepted_rows_are_written_all_or_none(cast, awareness):
    data = odk_csv([odk_row(1), odk_row(2), odk_row(3)])
    real_save = Submission.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(Submission, "save", failing_save), \
            pytest.raises(DatabaseError):
        odk_import.import_submissions(cast.emre, awareness.form, data)
    assert Submission.objects.count() == 0


def test_a_kobo_json_export_is_imported_and_checked_alike(cast, awareness):
    records = [
        {"_id": 1, "_uuid": "a1", "_submission_time": "2025-04-03T10:00:00",
         "respondent/round": "baseline", "respondent/age_band": "25_34",
         "knowledge/heard_of_trafficking": "yes", "knowledge/known_risks": "debt",
         "_submitted_by": "kobo_user", "meta/instanceID": "uuid:a1"},
        {"_id": 2, "_uuid": "a2", "_submission_time": "2025-04-03T11:00:00",
         "respondent/round": "followup", "respondent/age_band": "25_34",
         "knowledge/heard_of_trafficking": "maybe"},
        {"_id": 3, "_uuid": "a3", "respondent/age_band": "15_19"},
    ]
    report = odk_import.import_submissions(cast.fatima, awareness, json.dumps(
        {"count": 3, "results": records}).encode())
    assert report.format == "kobo-json" and report.imported == 1
    assert [(p.row, p.field) for p in report.problems] == [
        (2, "heard_of_trafficking"), (3, "heard_of_trafficking"), (3, "round")]
    stored = Submission.objects.get()
    assert stored.external_id == "a1" and stored.source == SubmissionSource.KOBO
    assert stored.answers == {"round": "baseline", "age_band": "25_34",
                              "heard_of_trafficking": "yes", "known_risks": ["debt"]}


def test_a_kobo_csv_with_slash_paths_and_choice_columns(cast, awareness):
    text = ("_uuid;_submission_time;respondent/round;respondent/age_band;"
            "knowledge/heard_of_trafficking;knowledge/known_risks;knowledge/known_risks/debt;"
            "knowledge/known_risks/unpaid;extra_column\n"
            "k1;2025-04-04T08:00:00;baseline;35_49;yes;debt unpaid;1;1;x\n"
            "k2;2025-04-04T08:05:00;;35_49;yes;debt;1;0;x\n")
    report = odk_import.import_submissions(cast.emre, awareness.form, text.encode())
    assert report.format == "kobo" and report.imported == 1
    assert [(p.row, p.field) for p in report.problems] == [(3, "round")]
    assert report.ignored_columns == ["extra_column"]
    assert Submission.objects.get().answers["known_risks"] == ["debt", "unpaid"]


def test_odk_central_zip_with_a_repeat_file(cast, db):
    review = publish("document_review")
    main = ("SubmissionDate,overarching-reviewer,overarching-project_title,"
            "overarching-document_types,project-scope,project-country,project-project_type,"
            "project-assistance_focus,meta-instanceID,KEY\n"
            "2025-04-05T12:00:00Z,R1,Return project,final_report,country,NOR,"
            "direct_assistance,return,uuid:r1,uuid:r1\n")
    repeat = ("findings_group-findings-heading,findings_group-findings-finding,"
              "findings_group-findings-source_provided,PARENT_KEY,KEY\n"
              "Follow-up,Few returnees reached,no,uuid:r1,uuid:r1/findings[1]\n"
              "Shelter,Shelter was full,yes,uuid:r1,uuid:r1/findings[2]\n")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("document_review.csv", main)
        z.writestr("document_review-findings.csv", repeat)
    report = odk_import.import_submissions(cast.emre, review.form, archive.getvalue())
    # the second finding says a source was provided but names none: still valid (optional)
    assert report.imported == 1, report.lines()
    findings = Submission.objects.get().answers["findings"]
    assert [f["heading"] for f in findings] == ["Follow-up", "Shelter"]


def test_who_may_import(cast, awareness):
    data = odk_csv([odk_row(1)])
    for who in ("amina", "boris", "chen", "dana", "root"):
        with pytest.raises(PermissionDenied):
            odk_import.import_submissions(cast.membership(who), awareness.form, data)
    screening = publish("knowledge_test")
    screening.form.kind = "interview"
    screening.form.save()
    with pytest.raises(ValidationError, match="through the case"):
        odk_import.import_submissions(cast.emre, screening.form, data)
    assert Submission.objects.count() == 0


def test_the_command_prints_the_per_row_report(cast, awareness, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(odk_csv([odk_row(1), odk_row(2, age="99")]))
    with pytest.raises(SystemExit) as exited:
        call_command("form", "import-submissions", "awareness_survey", str(path),
                     "--org", "NGO A")
    assert exited.value.code == 1
    out = capsys.readouterr()
    assert "2 row(s) read (odk): 1 imported, 1 rejected" in out.out
    assert "rejected: row 3, age_band:" in out.err
    assert Submission.objects.get().organisation == cast.ngo_a
