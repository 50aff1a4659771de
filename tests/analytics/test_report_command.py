"""``palermo report ctm`` writes the tables to a file, suppressed unless a supervisor's real
counts are asked for, and logs each file as a release."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from palermo.analytics.models import Release


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_xlsx_of_the_ctm_table_set(mixed_facts, tmp_path):
    path = tmp_path / "ctm.xlsx"
    message = run("ctm", "--format", "xlsx", "--out", str(path))
    book = load_workbook(path)
    assert book.sheetnames == ["Table 1 Full Sample", "Regions of Origin"]
    assert book["Table 1 Full Sample"]["B3"].value == "All Countries (N=105)"
    counts = [v for row in book["Regions of Origin"].iter_rows(min_row=5, values_only=True)
              for v in row[1::2] if isinstance(v, int)]
    assert counts and not [n for n in counts if 1 <= n <= 10]
    release = Release.objects.get()
    assert release.user is None and release.actor.startswith("system:")
    assert release.channel == "cli" and release.suppressed
    assert release.spec == "ctm_full_sample,ctm_regions_of_origin"
    assert release.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert f"#{release.pk}" in message and "suppressed" in message


def test_csv_by_year_of_the_fixed_set(mixed_facts, tmp_path):
    path = tmp_path / "by_year.csv"
    run("ctm", "--by", "year", "--format", "csv", "--out", str(path), "--convention", "ctdc")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0] == ["Table 1: Full Sample"]
    assert "CTDC" in rows[1][0] and "cases opened" not in rows[1][0]
    assert [h for h in rows[2] if h] == ["2019 (N=27)", "2020 (N=26)", "2021 (N=26)",
                                         "2022 (N=26)"]
    counts = [int(v) for row in rows[4:] for v in row[2::2] if v.isdigit()]
    assert counts and not [n for n in counts if 1 <= n <= 10]
    assert Release.objects.get().parameters["by"] == ["year"]


@pytest.mark.parametrize("args, named", [
    (["--org", "NGO B"], "--org"), (["--from", "2020-01-01", "--to", "2021-12-31"],
                                    "--from, --to"),
    (["--source", "casework"], "--source"), (["--as", "emre", "--from", "2021-01-01"], "--from"),
    (["--as", "fatima", "--to", "2021-12-31"], "--to")])  # fatima, but suppressed
def test_a_suppressed_report_chooses_no_population(mixed_facts, tmp_path, args, named):
    with pytest.raises(CommandError, match=f"^{named}: a suppressed report counts every "
                                           "person in scope over all years"):
        run("ctm", "--by", "year", "--format", "csv", "--out", str(tmp_path / "x.csv"), *args)
    assert not Release.objects.exists()


def test_real_counts_for_a_period_and_data_sources(mixed_facts, cast, tmp_path):
    path = tmp_path / "real.csv"
    run("ctm", "--by", "year", "--format", "csv", "--out", str(path), "--as", "fatima",
        "--unsuppressed", "--from", "2020-01-01", "--to", "2021-12-31",
        "--source", "casework,form", "--source", "casework")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert "2020-01-01 to 2021-12-31" in rows[1][0] and "casework, form" in rows[1][0]
    assert [h for h in rows[2] if h] == ["2020 (N=15)", "2021 (N=15)"]  # NGO A only
    filters = Release.objects.get().parameters["filters"]
    assert filters["data_sources"] == ["casework", "form"] and filters["to"] == "2021-12-31"
    # No case came through a form: nobody is counted.
    run("ctm", "--format", "csv", "--out", str(path), "--as", "fatima", "--unsuppressed",
        "--source", "form")
    assert "All Countries (N=0)" in path.read_text(encoding="utf-8")


def test_html_report_by_origin_region(mixed_facts, tmp_path):
    path = tmp_path / "report.html"
    run("ctm", "--by", "origin_region", "--format", "html", "--out", str(path))
    html = path.read_text(encoding="utf-8")
    assert "<h1>Statistics report</h1>" in html and "Regions of Origin" in html
    assert "Central Asia (N=" in html and "@media print" in html
    assert "Back to the tables" not in html  # a file: no link into the application
    assert Release.objects.get().channel == "cli"


def test_unsuppressed_needs_a_user_who_may_see_real_counts(mixed_facts, cast, tmp_path):
    path = tmp_path / "real.csv"
    with pytest.raises(CommandError, match="--unsuppressed needs --as"):
        run("ctm", "--by", "all", "--format", "csv", "--out", str(path), "--unsuppressed")
    with pytest.raises(CommandError, match="may not see the real counts"):
        run("ctm", "--by", "all", "--format", "csv", "--out", str(path), "--unsuppressed",
            "--as", "chen")
    with pytest.raises(CommandError, match="sees no statistics"):
        run("ctm", "--by", "all", "--format", "csv", "--out", str(path), "--as", "amina")
    run("ctm", "--by", "all", "--format", "csv", "--out", str(path), "--unsuppressed",
        "--as", "fatima")
    text = path.read_text(encoding="utf-8")
    assert "All Countries (N=60)" in text  # NGO A only: fatima's organisation
    assert "Other gender identity,6," in text  # a real small count
    release = Release.objects.get()
    assert release.user == cast.fatima.user and not release.suppressed


def test_bad_arguments_are_named(mixed_facts, tmp_path):
    out = str(tmp_path / "x.csv")
    with pytest.raises(CommandError, match="--from 'March': expected a date"):
        run("ctm", "--out", out, "--from", "March")
    with pytest.raises(CommandError, match="--org 'Nowhere': no such organisation"):
        run("ctm", "--out", out, "--org", "Nowhere")
    with pytest.raises(CommandError, match="--source 'fax': expected one of casework, "):
        run("ctm", "--out", out, "--source", "casework,fax")
    with pytest.raises(CommandError, match="no table 'ctx'"):
        run("ctx", "--out", out)
    assert not Release.objects.exists()
