"""Catalogue files: a RIS file exported from the library imports into an empty instance with
the same entries (and BibTeX, CSV and XLSX likewise); bad records are reported by row, field
and reason, and nothing is imported; spreadsheet cells cannot start a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from palermo.learning import catalogue, library
from palermo.learning.models import Publication, PublicationPlace


def entries() -> set[tuple]:
    """Every publication's catalogue fields, comparable across instances."""
    return {tuple((k, tuple(v) if isinstance(v, list) else v)
                  for k, v in library.values_of(p).items())
            for p in Publication.objects.prefetch_related("places")}


def empty_the_library() -> None:
    """An empty instance: no publication, no place (the search index follows by trigger)."""
    Publication.objects.all().delete()
    assert not PublicationPlace.objects.exists()


@pytest.mark.parametrize("fmt, suffix", [("ris", "ris"), ("bibtex", "bib"), ("csv", "csv"),
                                         ("xlsx", "xlsx")])
def test_an_exported_catalogue_imports_into_an_empty_instance_with_the_same_entries(
        cast, seeded, ngo_b_me, fmt, suffix):
    before = entries()
    assert len(before) == 10
    made = catalogue.export_catalogue(cast.dana, fmt)
    assert made.filename.endswith(f".{suffix}")
    empty_the_library()
    report = catalogue.import_catalogue(ngo_b_me, made.filename, made.content)
    assert (report.records, report.imported, report.errors) == (10, 10, [])
    assert entries() == before
    assert set(Publication.objects.values_list("organisation", flat=True)) == {cast.ngo_b.pk}


def test_awkward_text_survives_ris_and_bibtex(cast, ngo_b_me):
    """LaTeX's special characters, braces, accents, an author with "and" in the name, a
    link with ';' and '&' — and a summary starting like a formula."""
    library.save_publication(cast.emre, {
        "title": "Costs: 50% & $3 {braces} under_score #1 ~tilde^ back\\slash — café “ü”",
        "summary": "=HYPERLINK(\"http://evil\") then ^ and {unbalanced",
        "authors": ["Ministry of Labour and Social Affairs", "Zoë O'Brien"], "year": 2011,
        "countries": ["Côte d'Ivoire"], "regions": ["West Africa"], "category": "R&D",
        "language": "Français", "link": "https://example.org/a;b?x=1&y=2%20"})
    before = entries()
    for fmt in ("ris", "bibtex"):
        made = catalogue.export_catalogue(cast.chen, fmt)
        empty_the_library()
        report = catalogue.import_catalogue(ngo_b_me, made.filename, made.content)
        assert report.imported == 1, report.problems
        assert entries() == before, fmt


def test_the_ris_file_carries_places_and_category_as_keywords(cast, seeded):
    text = catalogue.export_catalogue(cast.chen, "ris").content.decode()
    assert "TY  - GEN" in text and "AU  - Katharine Bryant" in text
    assert "KW  - Region: Horn Of Africa" in text and "KW  - Country: Ethiopia" in text
    assert "KW  - Category: Monitoring And Evaluation" in text


def test_bad_records_are_reported_by_row_field_and_reason_and_nothing_is_imported(cast):
    rows = ("title,year,link,countries\n"
            "Good one,2010,https://example.org,Nigeria\n"
            ",2011,,\n"
            "Bad year,20x0,,\n"
            "Bad link,2012,ftp://example.org/x,\n")
    report = catalogue.import_catalogue(cast.emre, "list.csv", rows.encode())
    found = {(p.where, p.field) for p in report.errors}
    assert found == {("row 3", "title"), ("row 4", "year"), ("row 5", "link")}
    assert "not a year" in next(p.reason for p in report.errors if p.field == "year")
    assert report.imported == 0 and not Publication.objects.exists()
    assert "nothing imported" in report.summary()
    good = catalogue.import_catalogue(cast.emre, "list.csv", rows.splitlines()[0].encode()
                                      + b"\n" + rows.splitlines()[1].encode())
    assert good.imported == 1 and Publication.objects.get().countries() == ["Nigeria"]


def test_a_dry_run_imports_nothing_and_a_second_import_adds_nothing(cast, seeded):
    made = catalogue.export_catalogue(cast.chen, "ris")
    again = catalogue.import_catalogue(cast.emre, made.filename, made.content)
    assert (again.imported, again.skipped) == (0, 10)
    assert all(p.severity == "warning" for p in again.problems)
    empty_the_library()
    trial = catalogue.import_catalogue(cast.emre, made.filename, made.content, dry_run=True)
    assert trial.imported == 10 and not Publication.objects.exists()
    assert "would be imported" in trial.summary()


@pytest.mark.parametrize("name, content, where, field", [
    ("list.pdf", b"%PDF", "file", "format"),
    ("list.csv", "titre\n".encode("latin-1") + b"\xe9t\xe9\n", "file", "encoding"),
    ("list.csv", b"name,year\nX,2001\n", "file", "title"),
    ("list.xlsx", b"not a workbook", "file", "format"),
    ("refs.ris", b"TY  - GEN\nTI  - Complete\nER  - \nTY  - GEN\nTI  - Unclosed\n", "file",
     "ER"),
    ("refs.bib", b"@misc{a, title={Fine}}\n@misc{b, title={Broken\n", "line 2", "entry"),
])
def test_a_file_that_cannot_be_read_says_why(cast, name, content, where, field):
    report = catalogue.import_catalogue(cast.emre, name, content)
    assert (where, field) in {(p.where, p.field) for p in report.errors}
    assert not Publication.objects.exists()


def test_unknown_keywords_and_columns_are_warnings(cast):
    ris = b"TY  - JOUR\nTI  - Tagged\nKW  - human trafficking\nKW  - Region: Europe\nER  - \n"
    report = catalogue.import_catalogue(cast.emre, "a.ris", ris)
    assert report.imported == 1
    assert [(p.field, p.severity) for p in report.problems] == [("keywords", "warning")]
    assert Publication.objects.get().regions() == ["Europe"]
    sheet = b"Title,Publisher\nWith a publisher,ILO\n"
    report = catalogue.import_catalogue(cast.emre, "b.csv", sheet)
    assert report.imported == 1 and report.problems[0].field == "publisher"


def test_only_those_who_may_catalogue_may_import(cast):
    content = b"title\nX\n"
    for name in ("amina", "fatima", "boris", "chen", "dana"):
        with pytest.raises(PermissionDenied):
            catalogue.import_catalogue(cast.membership(name), "x.csv", content)
    assert catalogue.import_catalogue(cast.root, "x.csv", content).imported == 1
    assert Publication.objects.get().organisation == cast.hq


def test_spreadsheets_neutralise_formulas_and_read_them_back(cast, ngo_b_me):
    library.save_publication(cast.emre, {"title": "=1+1", "summary": "@SUM(A1)",
                                         "authors": ["-Minus"], "category": "+plus",
                                         "language": "'=quoted"})
    made = catalogue.export_catalogue(cast.chen, "csv")
    rows = list(csv.reader(io.StringIO(made.content.decode("utf-8-sig"))))
    assert rows[1][:6] == ["'=1+1", "'@SUM(A1)", "'-Minus", "", "'+plus", "''=quoted"]
    book = load_workbook(io.BytesIO(catalogue.export_catalogue(cast.chen, "xlsx").content))
    cell = book.active["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    assert not book.active["A1"].quotePrefix
    before = entries()
    for fmt in ("csv", "xlsx"):
        made = catalogue.export_catalogue(cast.chen, fmt)
        empty_the_library()
        catalogue.import_catalogue(ngo_b_me, made.filename, made.content)
        assert entries() == before


def test_an_export_of_a_search_holds_what_it_finds(cast, seeded):
    query = library.LibraryQuery(text="trafficking", region="East Africa")
    text = catalogue.export_catalogue(cast.chen, "ris", query).content.decode()
    assert text.count("TY  -") == 1 and "IGAD" in text


def test_a_catalogue_file_too_large_is_refused_unread(cast, monkeypatch):
    monkeypatch.setattr(catalogue, "MAX_BYTES", 10)
    report = catalogue.import_catalogue(cast.emre, "list.csv", b"title\nA long enough file\n")
    assert [(p.where, p.field) for p in report.errors] == [("file", "size")]
    assert not Publication.objects.exists()
