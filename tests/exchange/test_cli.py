"""The exchange commands: import with a per-row report, exports, decrypting."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.exchange.conftest import counts, csv_bytes


def test_import_htcds_dry_run_then_import(cast, tmp_path, capsys, htcds_xlsx):
    path = tmp_path / "cases.xlsx"
    path.write_bytes(htcds_xlsx)
    call_command("import_htcds", str(path), "--org", "NGO A", "--dry-run")
    assert "Checked 4 rows: 4 valid" in capsys.readouterr().out
    assert counts() == (0, 0, 0, 0)
    call_command("import_htcds", str(path), "--org", "NGO A", "--as", "fatima")
    assert "Imported 4 of 4 rows" in capsys.readouterr().out and counts()[1] == 4


def test_import_prints_each_problem_and_exits_non_zero(cast, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes("given_name,gender", "Ana,Feminine", "Bea,Unknowable"))
    with pytest.raises(CommandError) as refused:
        call_command("import_cases", str(path), "--org", "NGO A")
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert "row 3" in out and "gender" in out and "not one of the allowed values" in out
    # The cell is not repeated (issue 13: a value in the wrong column may be a name).
    assert "Unknowable" not in out
    assert counts() == (0, 0, 0, 0)


def test_import_refused_to_a_caseworker(cast, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes("given_name", "Ana"))
    with pytest.raises(CommandError, match="supervisors"):
        call_command("import_cases", str(path), "--org", "NGO A", "--as", "amina")


def test_export_htcds_and_decrypt(cast, case_a, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PALERMO_EXPORT_PASSPHRASE", "a long export passphrase")
    sealed = tmp_path / "out.sealed"
    call_command("export", "htcds", "--out", str(sealed), "--org", "NGO A")
    assert b"Adaeze" not in sealed.read_bytes()
    plain = tmp_path / "plain.csv"
    call_command("decrypt_export", str(sealed), "--out", str(plain))
    assert "Adaeze" in plain.read_text(encoding="utf-8-sig")
    monkeypatch.setenv("PALERMO_EXPORT_PASSPHRASE", "the wrong passphrase!")
    with pytest.raises(CommandError, match="Wrong passphrase"):
        call_command("decrypt_export", str(sealed), "--out", str(plain))


def test_export_ctdc_kanon_writes_data_and_dictionary(cast, tmp_path, capsys):
    from palermo.exchange.htcds import import_htcds
    from palermo_bench.htcds_import import as_csv, synthetic_rows

    import_htcds(cast.fatima, as_csv(synthetic_rows(40, "fatima")), "s.csv")
    out = tmp_path / "ctdc.csv"
    call_command("export", "ctdc", "--method", "kanon", "--out", str(out), "--org",
                 "Headquarters")
    header = out.read_text().splitlines()[0].split(",")
    assert len(header) == 27 and header[0] == "yearOfRegistration"
    assert "meansThreats" in (tmp_path / "ctdc.dictionary.md").read_text()
