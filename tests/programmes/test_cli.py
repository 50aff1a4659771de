"""``palermo import-portfolio``, ``palermo import-iati`` and ``palermo export iati``: the report
printed, nothing written without --accept, exit 0 when acceptable and 1 when refused."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from palermo.programmes.demo import SEED_LIST
from palermo.programmes.iati_schema import parse, schema
from palermo.programmes.models import PortfolioImport, Project


def _import(*extra):
    return call_command("import_portfolio", str(SEED_LIST), "--org", "NGO A", "--as", "emre",
                        "--currency", "NOK", *extra)


def test_without_accept_the_report_is_printed_and_nothing_written(cast, capsys):
    _import()
    out = capsys.readouterr().out
    assert "Typing error in a unit name (1)" in out and "Ambassadeb Lilongwe" in out
    assert "Subtotal row (1)" in out and "Duplicate row (1)" in out
    assert "Nothing was written. Run again with --accept" in out
    assert not Project.objects.exists() and not PortfolioImport.objects.exists()


def test_with_accept_the_list_is_imported_and_again_nothing_changes(cast, capsys):
    _import("--accept", "--sector", "15190")
    assert "Imported: 188 rows; 143 new projects" in capsys.readouterr().out
    assert Project.objects.count() == 143
    assert all(p.sectors.get().code == "15190" for p in Project.objects.all()[:5])
    _import("--accept")
    assert "Nothing to change" in capsys.readouterr().out
    assert Project.objects.count() == 143


def test_a_refused_list_exits_non_zero(cast, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_text("Unit,Section,Country,Project number,Recipient,Title,Year,Amount\n"
                    "Embassy,,Nepal,NPL-2936,UNDP,Study,two thousand,100\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_portfolio", str(path), "--org", "NGO A", "--as", "emre",
                     "--accept")
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert "2" in out and "year" in out and "Not a year" in out
    assert not Project.objects.exists()


@pytest.mark.parametrize("user", ["dana", "chen", "fatima"])
def test_only_m_and_e_officers_import(cast, user):
    org = {"dana": "Donor", "chen": "Headquarters", "fatima": "NGO A"}[user]
    with pytest.raises(CommandError, match="M&E officers"):
        call_command("import_portfolio", str(SEED_LIST), "--org", org, "--as", user)


def test_export_iati_then_import_iati(cast, project_a, tmp_path, capsys):
    out = tmp_path / "activities.xml"
    call_command("export", "iati", "--out", str(out), "--org", "NGO A", "--as", "emre")
    assert "Wrote 1 activities" in capsys.readouterr().out
    assert schema().validate(parse(out.read_bytes()))
    call_command("import_iati", str(out), "--org", "NGO A", "--as", "emre")
    assert "Nothing was written" in capsys.readouterr().out
    project_a.delete()
    call_command("import_iati", str(out), "--org", "NGO A", "--as", "emre", "--accept")
    assert Project.objects.get().title == "Vatra shelter"


def test_export_of_one_project_the_member_may_not_see(cast, project_b, tmp_path):
    with pytest.raises(CommandError, match="No project"):
        call_command("export", "iati", "--out", str(tmp_path / "x.xml"), "--org", "NGO A",
                     "--as", "emre", "--project", str(project_b.pk))


def test_a_refused_iati_file_names_element_line_and_reason(cast, tmp_path, capsys):
    path = tmp_path / "bad.xml"
    path.write_text('<?xml version="1.0"?>\n<iati-activities version="2.03">\n'
                    '  <iati-activity default-currency="XXX"/>\n</iati-activities>\n')
    with pytest.raises(CommandError) as refused:
        call_command("import_iati", str(path), "--org", "NGO A", "--as", "emre")
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert "3  iati-activity:" in out and "iati-identifier" in out
