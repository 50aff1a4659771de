"""Results that could be worked out by differencing: "All" minus the groups shown, one
grouping beside another, group sizes beside the counts. Each test builds the counts that
revealed a small group before the fix and checks, from the published figures alone, that
no hidden count or summary can be recovered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from palermo.questionnaires import confidential, engine, results, services
from palermo.questionnaires.loader import FormRejected, load_xlsform
from tests.questionnaires.forms import xlsform

DAY = dt.date(2025, 5, 2)


def survey(threshold: int = 5) -> bytes:
    """A survey: a grouping question, a single choice, a multiple choice and a number."""
    return xlsform(
        [["type", "name", "label"],
         ["select_one grp", "grp", "Group"],
         ["select_one abc", "ans", "Answer"],
         ["select_multiple abc", "many", "Several"],
         ["integer", "years", "Years"]],
        [["list_name", "name", "label"],
         ["grp", "g1", "One"], ["grp", "g2", "Two"], ["grp", "g3", "Three"],
         ["abc", "a", "A"], ["abc", "b", "B"], ["abc", "c", "C"]],
        [["form_id", "title", "palermo_kind", "palermo_threshold"],
         ["diff_survey", "Differencing", "survey", str(threshold)]])


@pytest.fixture
def version(db):
    data = survey()
    stored = services.store_version(load_xlsform(data, "s.xlsx"), data, "s.xlsx",
                                    organisation=None)
    return services.publish_from_command_line(stored)


def respond(version, organisation, n: int, **answers):
    values = engine.evaluate_form(version.definition, answers).values
    for _i in range(n):
        confidential.store_anonymous(version, organisation.pk, values, DAY)


def question(result, name):
    return next(q for q in result.questions if q.name == name)


def assert_no_cell_recoverable(q, n_groups: int) -> None:
    """No hidden group count follows from a line whose other entries are all shown: a
    row's "All" minus its shown groups, or a group's "answered" minus its shown rows."""
    for row in q.rows:
        total, groups = row.counts[0], row.counts[1:]
        assert not (total is not None and groups.count(None) == 1), (q.name, row.name)
    for g in range(1, n_groups + 1):
        column = [row.counts[g] for row in q.rows]
        assert not (q.answered[g] is not None and column.count(None) == 1), (q.name, g)


def test_a_grouping_never_shows_another_all_column_than_the_ungrouped_results(cast,
                                                                               version):
    # Ungrouped, "ans" shows a 5, b 8, c 8. Grouped by grp, the suppression of the 3 in
    # (b, g1) used to hide the "All" of a and b instead — and with b = 8 known from the
    # ungrouped results and (b, g2) = 5 shown, (b, g1) = 3 followed.
    respond(version, cast.ngo_a, 5, grp="g1", ans="a")
    respond(version, cast.ngo_a, 3, grp="g1", ans="b")
    respond(version, cast.ngo_a, 5, grp="g2", ans="b")
    respond(version, cast.ngo_a, 8, grp="g1", ans="c")
    plain = question(results.compute(cast.emre, version.form), "ans")
    assert {r.name: r.counts for r in plain.rows} == {"a": [5], "b": [8], "c": [8]}
    grouped = question(results.compute(cast.emre, version.form, group_by="grp"), "ans")
    assert [r.counts[0] for r in grouped.rows] == [5, 8, 8]  # the same "All"
    assert grouped.answered[0] == plain.answered[0] == 21
    assert_no_cell_recoverable(grouped, 2)
    for row in grouped.rows:  # the only safe table here hides every group count
        assert row.counts[1:] == [None, None]


def test_every_grouping_keeps_the_ungrouped_all_column(cast, version):
    for grp, ans, many, n in (("g1", "a", ["a"], 6), ("g1", "b", ["a", "b"], 2),
                              ("g2", "c", ["c"], 7), ("g2", "a", ["b"], 1),
                              ("g3", "b", ["a", "c"], 5)):
        respond(version, cast.ngo_a, n, grp=grp, ans=ans, many=many)
    plain = results.compute(cast.emre, version.form)
    for group_by in ("grp", "ans"):
        grouped = results.compute(cast.emre, version.form, group_by=group_by)
        for q in grouped.questions:
            if q.rows:
                before = question(plain, q.name)
                assert [r.counts[0] for r in q.rows] == [r.counts[0] for r in before.rows]
                assert q.answered[0] == before.answered[0]
                assert_no_cell_recoverable(q, len(grouped.columns) - 1)


def test_a_small_pool_joins_the_smallest_group_so_no_column_is_small(cast, version):
    respond(version, cast.ngo_a, 9, grp="g1", ans="a")
    respond(version, cast.ngo_a, 6, grp="g2", ans="b")
    respond(version, cast.ngo_a, 2, grp="g3", ans="c")  # 2: pooled, and the pool is small
    result = results.compute(cast.emre, version.form, group_by="grp")
    assert result.columns == ["All", "One", "Other groups and no answer"]
    assert result.group_sizes == [17, 9, 8]  # every size shown, every one at least 5
    respond(version, cast.ngo_a, 3, grp="g3", ans="c")  # g3 now 5: a group of its own
    result = results.compute(cast.emre, version.form, group_by="grp")
    assert result.columns == ["All", "One", "Two", "Three"]
    assert result.group_sizes == [20, 9, 6, 5]


def test_grouping_by_a_question_without_a_large_enough_group_is_refused(cast, version):
    respond(version, cast.ngo_a, 3, grp="g1", ans="a")
    respond(version, cast.ngo_a, 3, grp="g2", ans="b")
    with pytest.raises(ValidationError):
        results.compute(cast.emre, version.form, group_by="grp")


def test_a_hidden_numeric_summary_cannot_be_worked_out_from_all_and_the_others(cast,
                                                                             version):
    # g1: 8 answer years; g2: 6 respond, only 2 give years. "All" (10 answers) and g1's
    # count and mean used to be shown: g2's 2 answers and their mean followed.
    for years in (1, 2, 3, 4, 5, 6, 7, 8):
        respond(version, cast.ngo_a, 1, grp="g1", years=years)
    respond(version, cast.ngo_a, 1, grp="g2", years=30)
    respond(version, cast.ngo_a, 1, grp="g2", years=40)
    respond(version, cast.ngo_a, 4, grp="g2")
    years = question(results.compute(cast.emre, version.form, group_by="grp"), "years")
    assert years.answered[0] == 10 and years.summaries[0].mean == 10.6
    assert years.answered[1:] == [None, None]  # g1 hidden too: 8 + 2 hidden together
    assert years.summaries[1:] == [None, None]


def test_hidden_numeric_groups_together_hold_at_least_the_threshold():
    hide = results._hidden_summaries
    assert hide({"a": 8, "b": 2}, 5) == {"a", "b"}
    assert hide({"a": 8, "b": 2, "c": 4}, 5) == {"b", "c"}  # 2 + 4 = 6: enough
    assert hide({"a": 8, "b": 6, "c": 0}, 5) == set()  # none answered: 0 is shown
    assert hide({"a": 1, "b": 1, "c": 9, "d": 7}, 5) == {"a", "b", "d"}


def test_the_threshold_is_never_below_three(cast, db):
    with pytest.raises(FormRejected) as refused:
        load_xlsform(survey(threshold=1), "s.xlsx")
    assert ("settings", 2, "palermo_threshold") in [
        (p.sheet, p.row, p.column) for p in refused.value.problems]
    loaded = load_xlsform(survey(threshold=3), "s.xlsx")
    assert loaded.threshold == 3
