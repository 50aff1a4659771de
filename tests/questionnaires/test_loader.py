"""Loading XLSForm files: good forms parse, bad forms name the sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from palermo.questionnaires import engine
from palermo.questionnaires.loader import FormRejected, load_xlsform, parse_type
from tests.questionnaires.forms import BRANCHING, SURVEY_HEADER, row, xlsform

HTCDS = (Path(__file__).resolve().parents[2]
         / "palermo/questionnaires/instruments/htcds_xlsform.xlsx")
CHOICES = [["list_name", "name", "label"], ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"]]


def problems_of(data: bytes) -> list[tuple]:
    with pytest.raises(FormRejected) as caught:
        load_xlsform(data, "bad.xlsx")
    return [(p.sheet, p.row, p.column, p.cell, p.message) for p in caught.value.problems]


def test_branching_form_loads_with_languages_groups_and_bindings(db):
    loaded = load_xlsform(BRANCHING, "branching.xlsx")
    assert (loaded.form_id, loaded.title, loaded.version_label) == (
        "branching", "Branching interview", "1")
    assert loaded.kind == "interview"  # it writes to a case
    assert not loaded.confidential and loaded.threshold == 5
    by_name = {q.name: q for q in engine.questions(loaded.definition)}
    assert by_name["means"].path == ("recruitment",)
    assert by_name["child_name"].path == ("children",)
    assert by_name["means"].palermo_field == "case.means_of_control"
    assert by_name["recruiter"].sensitive and not by_name["means"].sensitive
    assert by_name["age"].text("French (fr)") == "Âge"
    assert engine.languages(loaded.definition) == ["English (en)", "French (fr)"]


def test_settings_columns_confidential_threshold_kind(db):
    data = xlsform([["type", "name", "label"], ["text", "q", "Q"]], None,
                   [["form_id", "palermo_confidential", "palermo_threshold", "palermo_kind"],
                    ["staff", "yes", "8", "survey"]])
    loaded = load_xlsform(data, "x.xlsx")
    assert (loaded.confidential, loaded.threshold, loaded.kind) == (True, 8, "survey")


def test_every_problem_is_reported_with_sheet_row_and_column(db):
    data = xlsform(
        [SURVEY_HEADER,
         row("text", "name1", "A"),
         row("texte", "name2", "B"),                          # row 3: unknown type
         row("select_one colours", "name3", "C"),             # row 4: missing list
         row("integer", "name4", "D", relevant="${name1} = "),  # row 5: bad expression
         row("text", "name1", "E"),                           # row 6: duplicate
         row("text", "name6", "F", palermo_field="case.shoe_size"),  # row 7: bad target
         row("text", "name7", "G", relevant="${nobody} = 'x'"),      # row 8: unknown ref
         row("text", "name8", "H", constraint="frobnicate(.)"),      # row 9: unknown fn
         row("geopoint", "name9", "I")],                             # row 10: unsupported
        CHOICES)
    found = problems_of(data)
    where = [(sheet, r, column, cell) for sheet, r, column, cell, _m in found]
    assert where == [
        ("survey", 3, "type", "A3"), ("survey", 4, "type", "A4"),
        ("survey", 6, "name", "B6"), ("survey", 10, "type", "A10"),
        ("survey", 5, "relevant", "G5"), ("survey", 7, "palermo_field", "K7"),
        ("survey", 8, "relevant", "G8"), ("survey", 9, "constraint", "H9")]
    messages = dict(((r, c), m) for _s, r, c, _cell, m in found)
    assert "Unknown question type 'texte'" in messages[(3, "type")]
    assert "'colours' is not on the choices sheet" in messages[(4, "type")]
    assert "already used on row 2" in messages[(6, "name")]
    assert "Bad expression" in messages[(5, "relevant")]
    assert "Unknown binding target 'case.shoe_size'" in messages[(7, "palermo_field")]
    assert "nobody" in messages[(8, "relevant")]
    assert "frobnicate" in messages[(9, "constraint")]


def test_structure_choices_and_settings_problems(db):
    found = problems_of(xlsform(
        [["type", "name", "label", "sensitive"],
         ["begin group", "g", "G", ""],
         ["select_one yes_no", "q", "Q", "maybe"],
         ["end repeat", "", "", ""]],
        CHOICES + [["yes_no", "yes", "Yes again"]],
        [["form_id", "palermo_threshold", "palermo_kind"], ["f", "zero", "poll"]]))
    where = {(s, r, c) for s, r, c, _cell, _m in found}
    assert ("choices", 4, "name") in where            # duplicate choice
    assert ("survey", 4, "type") in where             # end repeat without begin repeat
    assert ("survey", 2, "type") in where             # group never closed
    assert ("survey", 3, "sensitive") in where
    assert ("settings", 2, "palermo_threshold") in where
    assert ("settings", 2, "palermo_kind") in where


def test_binding_target_must_take_the_question_type(db):
    found = problems_of(xlsform(
        [["type", "name", "label", "palermo_field"],
         ["text", "means", "Means", "case.means_of_control"]]))
    assert found[0][:3] == ("survey", 2, "palermo_field")
    assert "cannot take a text answer" in found[0][4]


def test_not_an_xlsform_file():
    with pytest.raises(FormRejected) as caught:
        load_xlsform(b"this is not a spreadsheet", "notes.xlsx")
    assert "cannot be read as an XLSForm workbook" in caught.value.problems[0].message


def test_choice_filter_reads_choice_columns(db):
    loaded = load_xlsform(xlsform(
        [["type", "name", "label", "choice_filter"],
         ["select_one country", "country", "Country", ""],
         ["select_one city", "city", "City", "country=${country}"]],
        [["list_name", "name", "label", "country"],
         ["country", "ng", "Nigeria", ""], ["country", "it", "Italy", ""],
         ["city", "lagos", "Lagos", "ng"], ["city", "rome", "Rome", "it"]]), "c.xlsx")
    state = engine.evaluate_form(loaded.definition, {"country": "it"})
    assert [c.name for c in state.choices["city"]] == ["rome"]
    assert engine.validate(loaded.definition, {"country": "it", "city": "lagos"}) == {
        "city": ["Not one of the choices: lagos."]}


def test_parse_type():
    assert parse_type("select_one yes_no or_other") == ("select_one", "yes_no", True)
    assert parse_type("select all that apply means") == ("select_multiple", "means", False)
    assert parse_type("begin_group") == ("begin_group", "", False)
    assert parse_type("int") == ("integer", "", False)


def test_iom_htcds_xlsform_loads_with_default_bindings(db):
    loaded = load_xlsform(HTCDS.read_bytes(), "htcds_xlsform.xlsx")
    by_name = {q.name: q for q in engine.questions(loaded.definition)}
    assert len(by_name) == 32  # 34 rows less the start and end metadata
    assert by_name["vic_TypeOfExploitation"].palermo_field == "case.exploitation_types"
    assert by_name["prs_Citizenship"].palermo_field == "person.citizenship"
    assert loaded.kind == "interview"
    assert len(by_name["prs_Citizenship"].choices) == 249


def test_a_repeated_column_header_is_named_with_its_sheet_and_columns():
    found = problems_of(xlsform([["type", "name", "label", "name"], ["text", "q", "Q", "r"]]))
    assert found == [("survey", 1, "name", "D1",
                      "The column 'name' appears twice (columns B and D): keep one.")]


@pytest.mark.parametrize("written, lower", [
    ("Text", "text"), ("INTEGER", "integer"), ("SELECT_ONE yn", "select_one yn"),
    ("Select_multiple yn OR_OTHER", "select_multiple yn or_other"),
    ("Begin Group", "begin group")])
def test_an_upper_case_type_is_refused_at_its_row_as_pyxform_refuses_it(db, written, lower):
    """pyxform (and ODK, Kobo) match types case-sensitively: 'Text' is no type there."""
    rows = [["type", "name", "label"], ["text", "first", "First"], [written, "q", "Q"]]
    if "Group" in written:
        rows += [["text", "inner", "Inner"], ["end group", "", ""]]
    found = problems_of(xlsform(rows, CHOICES[:1] + [["yn", "y", "Y"]]))
    assert found[0][:4] == ("survey", 3, "type", "A3")
    assert f"'{lower}'" in found[0][4] and "lower case" in found[0][4]


def test_a_choice_list_name_keeps_its_case(db):
    loaded = load_xlsform(xlsform([["type", "name", "label"], ["select_one YesNo", "q", "Q"]],
                                  [["list_name", "name", "label"], ["YesNo", "y", "Y"]]),
                          "x.xlsx")
    assert [c["name"] for c in loaded.definition["children"]][0] == "q"


def test_a_formula_cell_without_a_value_is_named_with_its_row_and_column():
    found = problems_of(xlsform([["type", "name", "label"], ["text", "first", "First"],
                                 ["text", "q", "=HYPERLINK(\"http://x.example\",\"x\")"]]))
    assert found[0][:4] == ("survey", 3, "label", "C3")
    assert "formula with no computed value" in found[0][4]


def test_what_pyxform_refuses_without_a_row_is_placed_by_the_element_it_names(db):
    found = problems_of(xlsform([["type", "name", "label"], ["text", "first", "First"],
                                 ["text", "q", ""]]))
    assert found[0][:2] == ("survey", 3) and "'q' has no label" in found[0][4]


def test_a_regex_re2_cannot_run_in_linear_time_is_refused_at_its_cell():
    found = problems_of(xlsform([["type", "name", "label", "constraint"],
                                 ["text", "q", "Q", "regex(., '^(?=a)a$')"],
                                 ["text", "r", "R", "regex(., '(a)\\1')"]]))
    assert [f[:4] for f in found] == [("survey", 2, "constraint", "D2"),
                                      ("survey", 3, "constraint", "D3")]
    assert all("RE2" in f[4] for f in found)
