"""The filling rules: relevance, required, constraints, choices, repeats, declined."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.questionnaires import engine
from palermo.questionnaires.loader import load_xlsform
from tests.questionnaires.forms import BRANCHING


@pytest.fixture
def form(db):
    return load_xlsform(BRANCHING, "branching.xlsx").definition


def test_skip_logic_hides_a_group_and_drops_its_answers(form):
    answers = {"age": "30", "recruited": "no", "means": ["DebtBondage"]}
    state = engine.evaluate_form(form, answers)
    assert state.relevant["recruitment"] is False and state.relevant["means"] is False
    assert state.errors == {}
    assert "means" not in state.values  # not asked: dropped
    assert state.values == {"age": 30, "recruited": "no", "adult": "adult"}


def test_required_inside_a_relevant_group(form):
    errors = engine.validate(form, {"age": "30", "recruited": "yes"})
    assert errors == {"means": ["This question is required."]}


def test_types_constraints_and_choices(form):
    errors = engine.validate(form, {"age": "abc", "recruited": "maybe"})
    assert errors["age"] == ["Enter a whole number."]
    assert errors["recruited"] == ["Not one of the choices: maybe."]
    assert engine.validate(form, {"age": "130", "recruited": "no"}) == {
        "age": ["Enter an age in years"]}


def test_or_other_asks_to_specify(form):
    base = {"age": 17, "recruited": "yes"}
    assert engine.validate(form, {**base, "means": ["other"]}) == {
        "means_other": ["This question is required."]}
    state = engine.evaluate_form(form, {**base, "means": ["other"], "means_other": "threats"})
    assert state.errors == {} and state.values["means_other"] == "threats"
    assert state.values["adult"] == "child"


def test_declined_only_on_sensitive_questions(form):
    base = {"age": 40, "recruited": "yes", "means": ["DebtBondage"]}
    assert engine.validate(form, {**base, "recruiter": engine.DECLINED}) == {}
    assert engine.validate(form, {**base, "age": engine.DECLINED}) == {
        "age": ["This question cannot be declined."]}


def test_repeats_validate_each_entry(form):
    answers = {"age": 20, "recruited": "no", "children": [{"child_name": "A"}, {}]}
    assert engine.validate(form, answers) == {
        "children.1.child_name": ["This question is required."]}
    state = engine.evaluate_form(form, {**answers, "children": [{"child_name": "A"}]})
    assert state.instances == {"children": 1}
    assert state.values["children"] == [{"child_name": "A"}]


def test_partial_validation_ignores_missing_but_not_wrong(form):
    assert engine.validate(form, {}, partial=True) == {}
    assert engine.validate(form, {"age": "x"}, partial=True) == {
        "age": ["Enter a whole number."]}


def test_unknown_names_are_refused(form):
    assert engine.validate(form, {"age": 20, "recruited": "no", "shoe": 4})["shoe"] == [
        "Not a question of this form."]


@pytest.mark.parametrize(("kind", "raw", "stored"), [
    ("integer", "12", 12), ("integer", 12.0, 12), ("decimal", "1.5", 1.5),
    ("date", "2026-03-02", "2026-03-02"), ("date", dt.date(2026, 3, 2), "2026-03-02"),
    ("datetime", "2026-03-02T10:30", "2026-03-02T10:30:00"), ("time", "10:30", "10:30:00"),
    ("select_multiple", "a b a", ["a", "b"]), ("text", "  hi ", "hi"), ("text", "", None),
    ("acknowledge", "OK", "OK"),
])
def test_coerce(kind, raw, stored):
    assert engine.coerce(engine.Question(name="q", type=kind), raw) == stored


@pytest.mark.parametrize(("kind", "raw"), [("integer", "1.5"), ("decimal", "one"),
                                           ("date", "02/03/2026"), ("time", "25:00")])
def test_coerce_refuses(kind, raw):
    with pytest.raises(engine.AnswerError):
        engine.coerce(engine.Question(name="q", type=kind), raw)


def test_from_fields_reads_an_html_form(form):
    fields = {"age": ["30"], "recruited": ["yes"], "means": ["DebtBondage", "other"],
              "recruiter.declined": ["1"], "children.count": ["1"],
              "children.0.child_name": ["B"]}
    answers = engine.from_fields(form, lambda key: fields.get(key, []))
    assert answers == {"age": "30", "recruited": "yes", "means": ["DebtBondage", "other"],
                       "recruiter": engine.DECLINED, "children": [{"child_name": "B"}]}


def test_defaults_are_evaluated(db):
    from tests.questionnaires.forms import xlsform
    definition = load_xlsform(xlsform([["type", "name", "label", "default"],
                                       ["date", "d", "Day", "today()"],
                                       ["integer", "n", "N", "3"]]), "d.xlsx").definition
    assert engine.initial_answers(definition, today=dt.date(2026, 5, 1)) == {
        "d": "2026-05-01", "n": 3}
