"""Messages about refused answers reach pages, API replies, import reports printed by the
command line (and so, often, log files): they name a wrong choice code, never a value that
could be a name or a phone number typed into a choice question."""

from __future__ import annotations

from palermo.questionnaires import engine, odk_import
from tests.questionnaires.forms import BRANCHING
from tests.questionnaires.test_confidential import publish
from tests.questionnaires.test_odk_import import odk_csv, odk_row


def test_wrong_choice_codes_are_named_but_free_text_is_not(db):
    from palermo.questionnaires.loader import load_xlsform

    definition = load_xlsform(BRANCHING, "branching.xlsx").definition
    for typed in ("Maria Lopez", "maria@example.org", "08031234567", "+234 803 123 4567"):
        errors = engine.evaluate_form(definition, {"age": "30", "recruited": typed}).errors
        assert errors["recruited"] == [
            "Not one of the choices: (a value that is not a choice name)."], typed
    errors = engine.evaluate_form(definition, {"age": "30", "recruited": "maybe"}).errors
    assert errors["recruited"] == ["Not one of the choices: maybe."]


def test_an_import_report_does_not_repeat_a_name_typed_into_a_choice(cast, db):
    awareness = publish("awareness_survey")
    data = odk_csv([odk_row(1), odk_row(2, age="Maria Lopez")])
    report = odk_import.import_submissions(cast.emre, awareness.form, data)
    assert report.imported == 1 and report.rejected_rows == [3]
    assert not any("Maria" in line for line in report.lines())
