"""``palermo library import|export``: the policy decides as on the page; a bad file is
reported record by record, nothing is imported and the exit status is 1."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from palermo.learning.models import Publication


def test_export_then_import_into_an_empty_library(cast, seeded, tmp_path, capsys):
    out = tmp_path / "library.ris"
    call_command("library", "export", format="ris", out=str(out))
    assert out.read_text().count("TY  -") == 10
    Publication.objects.all().delete()
    call_command("library", "import", str(out), org="NGO A", user="emre")
    assert "10 record(s) read: 10 imported" in capsys.readouterr().out
    assert Publication.objects.filter(organisation=cast.ngo_a).count() == 10


def test_export_as_a_member(cast, seeded, tmp_path):
    out = tmp_path / "library.xlsx"
    call_command("library", "export", format="xlsx", out=str(out), org="Donor", user="dana")
    assert out.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="both --org and --as"):
        call_command("library", "export", format="csv", out=str(out), org="Donor")


def test_a_bad_file_names_record_field_and_reason_and_imports_nothing(cast, tmp_path, capsys):
    bad = tmp_path / "refs.bib"
    bad.write_text("@misc{a, title={Fine}, year={2001}}\n@misc{b, year={2002}}\n")
    with pytest.raises(SystemExit) as stopped:
        call_command("library", "import", str(bad), org="NGO A", user="emre")
    assert stopped.value.code == 1
    captured = capsys.readouterr()
    assert "ERROR    line 2 (b): title: A publication needs a title." in captured.out
    assert "nothing imported" in captured.err
    assert not Publication.objects.exists()


@pytest.mark.parametrize("org, user, message", [
    ("NGO A", "amina", "may not do this"), ("NGO B", "emre", "not an active member"),
    ("Nowhere", "emre", "No organisation"), ("Headquarters", "chen", "may not do this")])
def test_only_those_who_may_catalogue_import(cast, tmp_path, org, user, message):
    good = tmp_path / "list.csv"
    good.write_text("title\nA guide\n")
    with pytest.raises(CommandError, match=message):
        call_command("library", "import", str(good), org=org, user=user)
    assert not Publication.objects.exists()


def test_a_dry_run_checks_only(cast, tmp_path, capsys):
    good = tmp_path / "list.csv"
    good.write_text("title\nA guide\n")
    call_command("library", "import", str(good), org="NGO A", user="emre", dry_run=True)
    assert "1 would be imported" in capsys.readouterr().out
    assert not Publication.objects.exists()
