"""Bad uploads of XLSForm files and bad ODK/Kobo exports: a clear reason, nothing saved,
never a server error."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from palermo.questionnaires import loader, odk_import
from palermo.questionnaires.models import Form, FormVersion, Submission
from palermo.web.views import questionnaires_admin
from tests.questionnaires.forms import xlsform
from tests.questionnaires.test_confidential import publish
from tests.questionnaires.test_odk_import import odk_csv, odk_row

GOOD = (Path(__file__).resolve().parents[2] / "palermo/questionnaires/instruments"
        / "staff_survey.xlsx").read_bytes()


def upload(client, data: bytes, name: str):
    return client.post(reverse("web:form_manage"), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(("data", "name"), [
    (b"type,name,label\ntext,a,A\n", "form.xlsx"),   # text named .xlsx
    (GOOD[: len(GOOD) // 2], "staff.xlsx"),           # cut short
    (b"PK\x03\x04 not really a zip", "staff.xlsx"),   # a broken ZIP
    (b"\xd0\xcf\x11\xe0 not really xls", "old.xls"),  # a broken old-style workbook
    (b"", "empty.xlsx"),
])
def test_a_file_that_is_not_a_workbook_is_refused_clearly(browser, data, name):
    response = upload(browser("emre"), data, name)
    assert response.status_code == 422
    text = response.content.decode()
    assert "cannot be read as an XLSForm workbook" in text and "nothing was saved" in text
    assert not Form.objects.exists() and not FormVersion.objects.exists()


def test_a_file_of_another_kind_is_refused_by_its_name(browser):
    response = upload(browser("emre"), b"type,name,label\ntext,a,A\n", "form.csv")
    assert response.status_code == 422
    assert "upload a .xlsx or .xls file" in response.content.decode()
    assert not Form.objects.exists()


def test_a_huge_file_is_refused_before_it_is_read(browser, monkeypatch):
    monkeypatch.setattr(questionnaires_admin, "MAX_UPLOAD", 1000)
    response = upload(browser("emre"), GOOD, "staff.xlsx")
    assert response.status_code == 422
    assert "larger than 10 MB" in response.content.decode()
    assert not Form.objects.exists()


def test_a_workbook_that_unpacks_to_too_much_is_refused(browser, monkeypatch):
    monkeypatch.setattr(loader, "MAX_UNPACKED", 10_000)  # a ZIP bomb, in miniature
    response = upload(browser("emre"), GOOD, "staff.xlsx")
    assert response.status_code == 422
    assert "unpacks to" in response.content.decode()
    assert not Form.objects.exists()


def test_a_good_workbook_still_loads(browser):
    data = xlsform([["type", "name", "label"], ["text", "a", "A"]], None,
                   [["form_id"], ["tiny"]])
    assert upload(browser("emre"), data, "tiny.xlsx").status_code == 302
    assert Form.objects.filter(name="tiny").exists()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_damaged_odk_zip_is_refused_and_nothing_is_imported(cast, db):
    awareness = publish("awareness_survey")
    data = bytearray(_zip({"awareness.csv": odk_csv([odk_row(1), odk_row(2)]) * 50}))
    middle = len(data) // 2
    data[middle:middle + 40] = b"\x00" * 40  # corrupt the compressed member
    with pytest.raises(ValidationError) as refused:
        odk_import.import_submissions(cast.emre, awareness.form, bytes(data), fmt="odk")
    assert "damaged or cut short" in " ".join(refused.value.messages)
    assert not Submission.objects.exists()


def test_an_odk_zip_that_unpacks_to_too_much_is_refused(cast, db, monkeypatch):
    awareness = publish("awareness_survey")
    monkeypatch.setattr(odk_import, "MAX_UNPACKED", 100)
    data = _zip({"awareness.csv": odk_csv([odk_row(1)])})
    with pytest.raises(ValidationError, match="unpacks to more than"):
        odk_import.import_submissions(cast.emre, awareness.form, data)
    assert not Submission.objects.exists()


def test_an_unreadable_export_does_not_echo_its_content(cast, db):
    awareness = publish("awareness_survey")
    data = "SubmissionDate,respondent-round\n2025-04-02,Maria Lopez\xff".encode("latin-1")
    with pytest.raises(ValidationError) as refused:
        odk_import.import_submissions(cast.emre, awareness.form, data, fmt="odk")
    assert "Maria" not in " ".join(refused.value.messages)
