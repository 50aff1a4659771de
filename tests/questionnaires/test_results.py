"""Survey results: counts per choice, grouped counts, numeric summaries — with no group
smaller than the threshold shown — and their XLSX export."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from openpyxl import load_workbook

from palermo.questionnaires import confidential, results
from palermo.questionnaires.models import Submission, SubmissionStatus
from tests.questionnaires.test_confidential import publish


def answer(version, organisation, **answers):
    """A submitted anonymous response (as confidential.respond stores it)."""
    from palermo.questionnaires import engine

    values = engine.evaluate_form(version.definition, answers).values
    return confidential.store_anonymous(version, organisation.pk, values,
                                        __import__("datetime").date(2025, 5, 2))


@pytest.fixture
def awareness(cast):
    """12 responses of NGO A: 7 baseline, 5 follow-up; one of NGO B."""
    version = publish("awareness_survey")
    for i in range(7):
        answer(version, cast.ngo_a, round="baseline", age_band="20_24",
               heard_of_trafficking="yes" if i < 6 else "no",
               known_risks=["debt", "unpaid"] if i < 5 else ["debt"])
    for _i in range(5):
        answer(version, cast.ngo_a, round="followup", age_band="25_34",
               heard_of_trafficking="yes", known_risks=["debt"], saw_campaign="yes")
    answer(version, cast.ngo_b, round="baseline", age_band="15_19", heard_of_trafficking="no")
    return version


def rows(result, question):
    found = next(q for q in result.questions if q.name == question)
    return {r.name: r.counts for r in found.rows}, found


def test_counts_per_choice_hide_small_groups_and_what_reveals_them(cast, awareness):
    result = results.compute(cast.emre, awareness.form)
    assert result.responses == 12  # NGO B's response is not NGO A's
    counts, question = rows(result, "heard_of_trafficking")
    assert question.answered == [12]
    # yes 11, no 1 (hidden), not sure 0: with the total shown, "no" = 12 - 11, so yes hides
    assert counts["no"] == [None] and counts["yes"] == [None] and counts["unsure"] == [0]
    counts, _ = rows(result, "round")
    assert counts == {"baseline": [7], "followup": [5]}


def test_select_multiple_hides_a_small_group_of_those_who_did_not_choose(cast, awareness):
    result = results.compute(cast.emre, awareness.form)
    counts, question = rows(result, "known_risks")
    assert question.answered == [11]  # not asked of the one who never heard of trafficking
    assert counts["debt"] == [11] and counts["unpaid"] == [5] and counts["none"] == [0]
    grouped = results.compute(cast.emre, awareness.form, group_by="round")
    counts, question = rows(grouped, "known_risks")
    # baseline: 6 answered, 5 chose "unpaid", so 1 did not: hidden, and what reveals it
    assert question.answered == [11, 6, 5]
    assert counts["unpaid"][1] is None and counts["debt"] == [11, 6, 5]


def test_grouped_results_pool_small_groups(cast, awareness):
    result = results.compute(cast.chen, awareness.form, group_by="round")
    assert result.responses == 13  # an analyst sees every organisation
    assert result.columns == ["All", "Baseline (before the campaign)",
                              "Follow-up (after the campaign)"]
    grouped = results.compute(cast.emre, awareness.form, group_by="age_band")
    assert grouped.columns[1:] == ["20–24", "25–34"]  # 15–19 has no one at NGO A
    chen = results.compute(cast.chen, awareness.form, group_by="age_band")
    # NGO B's lone 15–19 is pooled; a pool of 1 is too small, so the smallest group shown
    # (25–34, 5 people) joins it: every column holds at least 5, nothing needs hiding.
    assert chen.columns == ["All", "20–24", "Other groups and no answer"]
    assert chen.group_sizes == [13, 7, 6]


def test_nothing_is_shown_under_the_threshold(cast, db):
    version = publish("staff_survey")
    for _i in range(4):
        answer(version, cast.ngo_a, b9_coordinates="yes")
    result = results.compute(cast.fatima, version.form)
    assert result.withheld and result.questions == []
    answer(version, cast.ngo_a, b9_coordinates="no")
    result = results.compute(cast.fatima, version.form)
    counts, _ = rows(result, "b9_coordinates")
    assert counts["yes"] == [None] and counts["no"] == [None]  # 4 and 1: both hidden


def test_numeric_summaries_need_threshold_answers_and_show_no_extremes(cast, db):
    version = publish("staff_survey")
    for years in (1, 2, 3, 10, 30):
        answer(version, cast.ngo_a, a6_ct_years=years)
    answer(version, cast.ngo_a, a5_employed_years=4)
    result = results.compute(cast.emre, version.form)
    years = next(q for q in result.questions if q.name == "a6_ct_years")
    assert years.summaries[0].count == 5 and years.summaries[0].mean == 9.2
    assert years.summaries[0].median == 3
    assert not hasattr(years.summaries[0], "maximum")
    employed = next(q for q in result.questions if q.name == "a5_employed_years")
    assert employed.summaries == [None] and employed.answered == [None]


def test_who_sees_results(cast, awareness):
    for who in ("amina", "boris", "dana"):
        with pytest.raises(PermissionDenied):
            results.compute(cast.membership(who), awareness.form)
    screening = publish("document_review")  # a review is not a survey
    with pytest.raises(Http404):
        results.get_result_form(cast.emre, screening.form.pk)
    assert results.get_result_form(cast.fatima, awareness.form.pk) == awareness.form


def test_interviews_and_drafts_are_not_counted(cast, awareness):
    Submission.objects.filter(organisation=cast.ngo_a).update(about_case=False)
    Submission.objects.filter(pk=Submission.objects.first().pk).update(
        status=SubmissionStatus.DRAFT)
    assert results.compute(cast.emre, awareness.form).responses == 11


def test_xlsx_export_has_numbers_as_numbers_and_marks_hidden_counts(cast, awareness):
    data = results.to_xlsx(results.compute(cast.emre, awareness.form, group_by="round"))
    book = load_workbook(io.BytesIO(data))
    sheet = book["Results"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in values if r[0] == "Have you heard of human trafficking?")
    assert header[1:4] == ["All", "Baseline (before the campaign)",
                           "Follow-up (after the campaign)"]
    sizes = next(r for r in values if r[0] == "Group size")
    assert sizes[1:4] == [12, 7, 5] and isinstance(sizes[2], int)
    assert any("< 5" in r for r in values)
    assert book["About"]["B3"].value == 12
