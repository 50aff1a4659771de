"""The instruments shipped with Palermo: they load, hold what their sources hold, bind to
real typed fields with the codes those fields store, and branch as the printed forms say."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform import xls2xform

from palermo.cases.eligibility import (
    INDICATORS,
    Answer,
    Outcome,
    ScreeningFacts,
    screening_recommendation,
)
from palermo.questionnaires import engine
from palermo.questionnaires.loader import load_xlsform, to_xform

INSTRUMENTS = Path(__file__).resolve().parents[2] / "palermo" / "questionnaires" / "instruments"
TODAY = dt.date(2025, 6, 1)
EXPECTED = {  # form_id → (kind, confidential)
    "screening_interview": ("interview", False),
    "assistance_interview": ("interview", False),
    "followup_interview": ("interview", False),
    "satisfaction_feedback": ("survey", False),
    "awareness_survey": ("survey", False),
    "knowledge_test": ("test", False),
    "staff_survey": ("survey", True),
    "document_review": ("review", False),
}


@functools.cache
def load(form_id: str):
    """The loaded instrument (cached: loading checks every expression, which takes a few
    seconds for the long forms, and the tests only read the result)."""
    path = INSTRUMENTS / f"{form_id}.xlsx"
    return load_xlsform(path.read_bytes(), path.name)


def by_name(definition) -> dict[str, engine.Question]:
    return {q.name: q for q in engine.questions(definition)}


def shown(definition, answers) -> dict[str, bool]:
    return engine.evaluate_form(definition, answers, today=TODAY, partial=True).relevant


def errors(definition, answers) -> dict[str, list[str]]:
    return engine.validate(definition, answers, today=TODAY)


# ------------------------------------------------------------------ every instrument
@pytest.mark.parametrize("form_id", sorted(EXPECTED))
def test_instrument_loads_with_pyxform_and_palermo(form_id, db):
    path = INSTRUMENTS / f"{form_id}.xlsx"
    xform = xls2xform.convert(xlsform=str(path)).xform
    assert f'id="{form_id}"' in xform
    loaded = load(form_id)
    kind, confidential = EXPECTED[form_id]
    assert (loaded.form_id, loaded.kind, loaded.confidential) == (form_id, kind, confidential)
    assert loaded.threshold == 5
    assert loaded.warnings == []
    assert len([q for q in engine.questions(loaded.definition) if q.takes_answer]) >= 7


def test_every_shipped_file_is_described_and_up_to_date():
    from tools import build_instruments

    assert build_instruments.main(["--check"]) == 0
    readme = (INSTRUMENTS / "README.md").read_text()
    assert set(EXPECTED) <= {p.stem for p in INSTRUMENTS.glob("*.xlsx")}
    for form_id in EXPECTED:
        assert f"`{form_id}.xlsx`" in readme


def test_an_export_as_xform_for_odk_collect(db):
    class Version:  # what to_xform reads of a stored version
        definition = load("screening_interview").definition

    xml = to_xform(Version)
    assert "<h:title>Screening interview</h:title>" in xml
    assert 'relevant=" /data/act/recruitment  = \'yes\'"' in xml


# ------------------------------------------------------------------ screening
def screening_answers(**overrides):
    answers = {"consent": "yes", "age": 24, "immediate_danger": "no"}
    for element in INDICATORS.values():
        answers.update({name: "no" for name in element})
    answers.update(overrides)
    return answers


def test_screening_binds_every_palermo_indicator_and_the_age(db):
    questions = by_name(load("screening_interview").definition)
    bound = {q.palermo_field: q for q in questions.values() if q.palermo_field}
    for indicators in INDICATORS.values():
        for indicator in indicators:
            question = bound[f"screening.{indicator}"]
            assert question.type == "select_one"
            assert question.sensitive, indicator
            assert {c.name for c in question.choices} == {"yes", "no", "unknown"}
    assert bound["screening.age"].type == "integer"


def test_screening_means_are_asked_of_adults_and_of_unknown_age_only(db):
    definition = load("screening_interview").definition
    assert shown(definition, screening_answers(age=30))["means"] is True
    assert shown(definition, screening_answers(age=18))["means"] is True
    child = shown(definition, screening_answers(age=15))
    assert child["means"] is False and child["child_note"] is True
    unknown = screening_answers()
    del unknown["age"]
    assert shown(definition, unknown)["means"] is True
    assert shown(definition, screening_answers(age=engine.DECLINED))["means"] is True


def test_screening_follow_up_details_follow_a_yes(db):
    definition = load("screening_interview").definition
    no = shown(definition, screening_answers())
    assert not no["recruitment_method"] and not no["forced_labour_industry"]
    assert not no["force_details"] and not no["control"]
    yes = shown(definition, screening_answers(recruitment="yes", forced_labour="yes",
                                              force="yes"))
    assert yes["recruitment_method"] and yes["forced_labour_industry"]
    assert yes["force_details"] and yes["control"]


def test_screening_without_consent_asks_nothing_more(db):
    definition = load("screening_interview").definition
    state = shown(definition, {"consent": "no"})
    assert state["no_consent"] is True
    assert not any(state[g] for g in ("about", "act", "means", "purpose"))
    assert errors(definition, {"consent": "no"}) == {}


def test_screening_answers_feed_the_recommendation(db):
    """A valid adult interview with act, means and purpose → presumed victim; the same with
    every means indicator answered no → other migrant in need."""
    definition = load("screening_interview").definition
    answers = screening_answers(recruitment="yes", deception="yes",
                                forced_labour="yes", transportation=engine.DECLINED)
    assert errors(definition, answers) == {}
    bound = {q.name: q.palermo_field.split(".", 1)[1]
             for q in engine.questions(definition)
             if q.palermo_field.startswith("screening.") and q.name != "age"}

    def facts(given):
        values = engine.evaluate_form(definition, given, today=TODAY).values
        return ScreeningFacts(
            answers={bound[n]: Answer("declined" if v == engine.DECLINED else v)
                     for n, v in values.items() if n in bound},
            age=values.get("age"))

    assert screening_recommendation(facts(answers)).outcome is Outcome.PRESUMED_VICTIM
    no_means = dict(answers, deception="no")
    assert screening_recommendation(facts(no_means)).outcome is Outcome.OTHER_MIGRANT_IN_NEED


def test_screening_rejects_an_impossible_age_and_a_missing_indicator(db):
    definition = load("screening_interview").definition
    answers = screening_answers(age=200)
    del answers["fraud"]
    problems = errors(definition, answers)
    assert "age" in problems and "fraud" in problems


# ------------------------------------------------------------------ typed bindings
def _typed_field(target: str):
    from palermo.cases.models import Case, FollowUp, Person

    model = {"case": Case, "person": Person, "followup": FollowUp}[target.split(".")[0]]
    return model._meta.get_field(target.split(".", 1)[1])


def _allowed_codes(field) -> set[str] | None:
    from palermo.core.models import Country

    if hasattr(field, "allowed"):  # MultiChoiceField
        return {v for v, _ in field.allowed()}
    if field.is_relation and field.related_model is Country:
        return set(Country.objects.values_list("code", flat=True))
    if field.choices:
        return {str(v) for v, _ in field.choices}
    return None


@pytest.mark.parametrize("form_id", ["screening_interview", "assistance_interview",
                                     "followup_interview"])
def test_bound_questions_name_real_fields_and_use_their_codes(form_id, db):
    bound = [q for q in engine.questions(load(form_id).definition)
             if q.palermo_field and not q.palermo_field.startswith("screening.")]
    assert bound
    for question in bound:
        field = _typed_field(question.palermo_field)
        allowed = _allowed_codes(field)
        if question.choices and allowed is not None:
            codes = {c.name for c in question.choices}
            assert codes <= allowed, (question.name, codes - allowed)


def test_assistance_interview_covers_the_ctm_data_areas_and_htcds_core(db):
    definition = load("assistance_interview").definition
    questions = by_name(definition)
    assert [q.name for q in engine.tree(definition)] == [
        "demographics", "process", "exploitation", "assistance"]
    fields = {q.palermo_field for q in questions.values()}
    for core in ("person.gender", "person.citizenship", "case.recruitment_methods",
                 "case.means_of_control", "case.exploitation_types",
                 "case.forced_labour_industries", "case.sexual_exploitation_types",
                 "case.trafficking_status"):
        assert core in fields
    assert questions["services"].type == "repeat"
    state = shown(definition, {"exploitation_types": ["SexualExploitation"]})
    assert state["sexual_exploitation_types"] and not state["forced_labour_industries"]


def test_followup_interview_skips_everything_when_the_person_was_not_reached(db):
    definition = load("followup_interview").definition
    assert shown(definition, {"reached": "unreachable"})["outcomes"] is False
    state = shown(definition, {"reached": "yes", "safety": "threatened",
                               "retrafficked": "yes", "income": "employed"})
    assert state["threat_details"] and state["retrafficked_note"] and state["monthly_income"]


# ------------------------------------------------------------------ surveys and tests
def test_satisfaction_ratings_follow_the_services_received(db):
    definition = load("satisfaction_feedback").definition
    state = shown(definition, {"services_received": ["shelter", "legal_aid"]})
    assert state["rating_shelter"] and state["rating_legal_aid"]
    assert not state["rating_medical"]


def test_awareness_campaign_questions_only_at_follow_up(db):
    definition = load("awareness_survey").definition
    assert shown(definition, {"round": "baseline"})["campaign"] is False
    assert shown(definition, {"round": "followup"})["campaign"] is True
    assert shown(definition, {"heard_of_trafficking": "no"})["sources"] is False


def test_knowledge_test_scores_one_point_per_right_answer(db):
    definition = load("knowledge_test").definition
    right = {"test_round": "post", "q1_elements": "amp", "q2_child": "act_purpose",
             "q3_consent": "true", "q4_border": "false", "q5_first": "safety"}
    state = engine.evaluate_form(definition, right, today=TODAY)
    assert state.errors == {} and state.calculations["score"] == 5
    two_wrong = dict(right, q4_border="true", q1_elements="force_only")
    assert engine.evaluate_form(definition, two_wrong).calculations["score"] == 3


# ------------------------------------------------------------------ staff survey (Annex C)
def test_staff_survey_has_sections_a_to_f_and_a_russian_column(db):
    loaded = load("staff_survey")
    assert loaded.confidential and loaded.threshold == 5
    groups = [q.name for q in engine.tree(loaded.definition) if q.type == "group"]
    assert groups == [f"section_{s}" for s in "abcdef"]
    questions = by_name(loaded.definition)
    assert len([n for n in questions if n.startswith("b1_")]) == 14  # B1 a–n
    assert len([n for n in questions if n.startswith("b2_")]) == 16  # B2 a–p
    book = load_workbook(INSTRUMENTS / "staff_survey.xlsx", read_only=True)
    for sheet in ("survey", "choices"):
        header = next(book[sheet].iter_rows(max_row=1, values_only=True))
        assert "label::Russian (ru)" in header and "label::English (en)" in header


def test_staff_survey_follows_the_printed_skip_instructions(db):
    definition = load("staff_survey").definition
    assert shown(definition, {"c1_required_definition": "no"})["c2_who_requires"] is False
    assert shown(definition, {"c1_required_definition": "yes"})["c2_who_requires"] is True
    assert shown(definition, {"e3_evaluation": "dk"})["evaluation"] is False
    state = shown(definition, {"e3_evaluation": "yes", "e5_independent": "yes",
                               "e7_results": "yes"})
    assert state["evaluation"] and not state["e6_why_not"] and state["e8_use"]
    assert shown(definition, {"d3_women": "no"})["d4_women_services"] is False
    assert shown(definition, {"d3_women": "majority"})["d4_women_services"] is True
    assert shown(definition, {"b5_c": "appropriate"})["b5a_explain"] is False
    assert shown(definition, {"b5_c": "highly_inappropriate"})["b5a_explain"] is True
    assert shown(definition, {"a8_direct": "yes"})["a8a_caseload"] is True
    assert errors(definition, {"b10_strengths": "x" * 251}) == {
        "b10_strengths": ["250 characters at most."]}


# ------------------------------------------------------------------ document review (Annex B)
def test_document_review_branches_by_project_type_and_scope(db):
    definition = load("document_review").definition
    focus = {"prevention": "prevention_focus", "research": "research_focus",
             "direct_assistance": "assistance_focus",
             "technical_cooperation": "cooperation_focus"}
    for project_type, asked in focus.items():
        state = shown(definition, {"project_type": project_type})
        assert [q for q in focus.values() if state[q]] == [asked]
    assert shown(definition, {"scope": "country"})["region"] is False
    assert shown(definition, {"scope": "region"})["country"] is False
    assert shown(definition, {"cooperation_focus": ["network"],
                              "project_type": "technical_cooperation"})["network_partners"]


def test_document_review_covers_i_a_to_ii_s(db):
    definition = load("document_review").definition
    labels = " ".join(q.text() for q in engine.questions(definition))
    for code in ("I.A.", "I.B.", "I.C.", "I.D.", "I.E.", *(f"II.{c}." for c in "ABCDEFGHIJKL"),
                 "II.M", "II.N", "II.O", "II.P", "II.Q", "II.R", "II.S"):
        assert code in labels, code
    valid = {"reviewer": "R1", "project_title": "Return and reintegration, Norway",
             "document_types": ["final_report"], "scope": "country", "country": "NOR",
             "project_type": "direct_assistance", "assistance_focus": ["return"],
             "findings": [{"heading": "Follow-up", "finding": "Few returnees reached",
                           "source_provided": "no"}]}
    assert errors(definition, valid) == {}
    assert "assistance_focus" in errors(definition, dict(valid, assistance_focus=[]))
