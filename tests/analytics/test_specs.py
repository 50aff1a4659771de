"""Table specifications load from YAML and refuse bad ones naming file, key and reason."""

from __future__ import annotations

import pytest

from palermo.analytics.specs import SpecError, load_specs, parse_spec, shipped_specs

ROW = {"name": "gender", "field": "gender", "label": "Gender",
       "categories": [{"label": "Female", "values": ["Feminine"]}]}


def spec(**changes):
    data = {"key": "t", "title": "T", "rows": [dict(ROW)]}
    data.update(changes)
    return data


def test_shipped_ctm_tables_follow_the_printed_layout():
    specs = shipped_specs()
    full, regions = specs["ctm_full_sample"], specs["ctm_regions_of_origin"]
    assert full.title == "Table 1: Full Sample" and regions.title == "Regions of Origin"
    assert [r.label for r in full.rows] == [
        "Gender", "Age", "Education", "Year of Assistance", "Destination Region",
        "Relationship with Recruiter", "Type of Trafficking", "Industry Trafficked Into*"]
    assert regions.rows == full.rows and regions.total_row and not full.total_row
    assert regions.columns == ("origin_region",) and full.columns == ("all",)
    assert full.column_label == "All Countries"
    industry = full.row("industry")
    assert industry.multi_response
    assert [c.label for c in industry.categories] == [
        "Sexual Exploitation", "Forced Labor", "Low-level Criminal Activities"]
    assert "Numbers may not add up to total n due to missing data." in full.notes[0]
    assert full.notes[1] == "*Categories are not mutually exclusive."
    assert full.source == "Source: Counter Trafficking Module Database (CTM)."
    age = full.row("age_band")
    assert (age.categories[-1].label, age.categories[-1].low) == ("Greater than 31", 31)


@pytest.mark.parametrize("changes, key, reason", [
    ({"colour": "red"}, "colour", "is not a specification key"),
    ({"key": "other"}, "key", "must equal the file name"),
    ({"counts": "households"}, "counts", "must be one of persons, cases"),
    ({"convention": "un"}, "convention", "must be one of ctm, ctdc"),
    ({"rows": []}, "rows", "must be a non-empty list"),
    ({"rows": [dict(ROW, field="name")]}, "rows[0].field", "'name' is not a CaseFact field"),
    ({"rows": [dict(ROW, field="exploitation_types")]}, "rows[0].multi_response",
     "set multi_response: true"),
    ({"rows": [dict(ROW, categories=[{"label": "A", "values": ["X"]},
                                     {"label": "B", "values": ["X"]}])]},
     "rows[0].categories[1]", "overlaps categories[0]"),
    ({"rows": [dict(ROW, field="age", categories=[{"label": "old", "min": "thirty"}])]},
     "rows[0].categories[0].min", "must be a whole number"),
    ({"rows": [dict(ROW, field="age", categories=[{"label": "x", "min": 9, "max": 3}])]},
     "rows[0].categories[0].min", "greater than max"),
    ({"rows": [dict(ROW, categories=[{"label": "A", "min": 1}])]},
     "rows[0].categories[0].min", "only numeric fields"),
    ({"rows": [dict(ROW), dict(ROW)]}, "rows", "used twice"),
    ({"columns": {"by": ["planet"]}}, "columns.by", "'planet' is not a grouping"),
    ({"columns": {"by": ["all", "year"]}}, "columns.by", "cannot be combined"),
    ({"chart": "age"}, "chart", "is not a row name"),
    ({"cells": ["n", "mean"]}, "cells", "must list n, % or both"),
    ({"rows_from": "nothing"}, "rows", "give either rows or rows_from"),
])
def test_invalid_specs_name_file_key_and_reason(changes, key, reason):
    with pytest.raises(SpecError) as caught:
        parse_spec(spec(**changes), "t.yaml")
    error = caught.value
    assert error.file == "t.yaml" and error.key == key and reason in error.reason
    assert str(error).startswith(f"t.yaml: {key}: ")


def test_loader_reports_the_file_of_a_broken_yaml(tmp_path):
    (tmp_path / "a.yaml").write_text("key: a\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"^a\.yaml: \(yaml\): "):
        load_specs(tmp_path)


def test_rows_from_reuses_another_tables_rows(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "key: base\ntitle: Base\nrows:\n  - {name: gender, field: gender, label: Gender,\n"
        "     categories: [{label: Female, values: [Feminine]}]}\n", encoding="utf-8")
    (tmp_path / "by_year.yaml").write_text(
        "key: by_year\ntitle: By year\nrows_from: base\ncolumns: {by: [year]}\n",
        encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("key: broken\ntitle: B\nrows_from: missing\n",
                                          encoding="utf-8")
    with pytest.raises(SpecError, match=r"broken\.yaml: rows_from: no table 'missing'"):
        load_specs(tmp_path)
    (tmp_path / "broken.yaml").unlink()
    specs = load_specs(tmp_path)
    assert specs["by_year"].rows == specs["base"].rows
    assert specs["by_year"].columns == ("year",)
