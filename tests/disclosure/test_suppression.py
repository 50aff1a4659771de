"""Cell suppression: nothing in 1..threshold is shown, shown figures are true, and — the
recovery test — no suppressed entry can be worked out from the published figures.

The attacker here sees only what is published (the SuppressedTable) and knows that cells are
non-negative and that rows, columns and totals add up. For each suppressed entry we compute,
by linear programming, the smallest and largest value consistent with all that; equal bounds
would mean the entry is recovered. The constraint matrix is totally unimodular, so LP bounds
are integers and min < max means at least two integer tables fit the publication.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from palermo.disclosure import SuppressedTable, suppress_counts, suppress_table


def feasible_ranges(published: SuppressedTable) -> dict[tuple, tuple[float, float]]:
    """Min and max of every unknown figure given the published ones (attacker's view)."""
    n_rows, n_cols = published.n_rows, published.n_cols
    figures: dict[tuple, int | None] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            figures[("cell", r, c)] = published.cells[r][c]
        figures[("row", r)] = published.row_totals[r] if published.row_totals else None
    for c in range(n_cols):
        figures[("col", c)] = published.column_totals[c] if published.column_totals else None
    figures[("total",)] = published.total
    unknown = [key for key, value in figures.items() if value is None]
    index = {key: i for i, key in enumerate(unknown)}

    equations = []  # (terms with sign, …): sum of +1 terms equals sum of -1 terms
    for r in range(n_rows):
        equations.append([(("cell", r, c), 1) for c in range(n_cols)] + [(("row", r), -1)])
    for c in range(n_cols):
        equations.append([(("cell", r, c), 1) for r in range(n_rows)] + [(("col", c), -1)])
    equations.append([(("row", r), 1) for r in range(n_rows)] + [(("total",), -1)])
    equations.append([(("col", c), 1) for c in range(n_cols)] + [(("total",), -1)])

    a_eq, b_eq = [], []
    for terms in equations:
        row, rhs = np.zeros(len(unknown)), 0.0
        for key, sign in terms:
            if key in index:
                row[index[key]] += sign
            else:
                rhs -= sign * figures[key]
        a_eq.append(row)
        b_eq.append(rhs)

    ranges = {}
    for key in unknown:
        goal = np.zeros(len(unknown))
        goal[index[key]] = 1
        low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0, "the published table must be consistent"
        ranges[key] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return ranges


def entry_key(position: tuple[int, int], n_rows: int, n_cols: int) -> tuple:
    r, c = position
    if r == n_rows and c == n_cols:
        return ("total",)
    if r == n_rows:
        return ("col", c)
    if c == n_cols:
        return ("row", r)
    return ("cell", r, c)


def true_figures(cells):
    n_rows, n_cols = len(cells), len(cells[0])
    rows = [sum(row) for row in cells]
    cols = [sum(cells[r][c] for r in range(n_rows)) for c in range(n_cols)]
    return rows, cols, sum(rows)


# Tables rich in small counts and zeros, where suppression patterns get interesting.
counts = st.one_of(st.integers(0, 3), st.integers(0, 15), st.integers(11, 80))
tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols),
                              min_size=rows, max_size=rows)))
options = st.fixed_dictionaries({
    "threshold": st.sampled_from([10, 10, 3, 5]),
    "row_totals": st.booleans(), "column_totals": st.booleans(),
    "table_total": st.booleans(), "suppress_zeros": st.booleans(),
})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=tables, opts=options)
# Hidden zeros whose sum is published: found by hypothesis; the audit must catch it.
@example(cells=[[0, 0], [0, 0], [0, 11]],
         opts={"threshold": 10, "row_totals": False, "column_totals": True,
               "table_total": False, "suppress_zeros": True})
def test_no_suppressed_entry_can_be_recovered(cells, opts):
    published = suppress_table(cells, **opts)
    ranges = feasible_ranges(published)
    for position in published.suppressed:
        key = entry_key(position, published.n_rows, published.n_cols)
        low, high = ranges[key]
        assert low < high - 0.5, f"{key} recovered as {low} from {published}"


@settings(max_examples=100, deadline=None)
@given(cells=tables, opts=options)
def test_shown_figures_are_true_and_never_small(cells, opts):
    published = suppress_table(cells, **opts)
    rows, cols, total = true_figures(cells)
    threshold, zeros = opts["threshold"], opts["suppress_zeros"]

    def check(shown, truth):
        if shown is not None:
            assert shown == truth
            assert not 1 <= shown <= threshold
            assert not (zeros and shown == 0)

    for r, row in enumerate(published.cells):
        for c, shown in enumerate(row):
            check(shown, cells[r][c])
            assert (shown is None) == ((r, c) in published.suppressed)
    for shown, truth in zip(published.row_totals or [], rows, strict=False):
        check(shown, truth)
    for shown, truth in zip(published.column_totals or [], cols, strict=False):
        check(shown, truth)
    check(published.total, total)
    assert (published.row_totals is None) == (not opts["row_totals"])
    assert (published.column_totals is None) == (not opts["column_totals"])
    # Primary suppression is exactly the sensitive cells; complements are not sensitive.
    sensitive = {(r, c) for r, row in enumerate(cells) for c, v in enumerate(row)
                 if 1 <= v <= threshold or (zeros and v == 0)}
    assert {p for p in published.primary if p[0] < len(cells) and p[1] < len(cells[0])} \
        == sensitive
    assert not published.primary & published.secondary


def test_naive_single_suppression_is_recoverable():
    """The recovery test can fail: hiding only the small cell leaves it recoverable."""
    cells = [[5, 20], [30, 40]]
    naive = SuppressedTable(cells=[[None, 20], [30, 40]], row_totals=[25, 70],
                            column_totals=[35, 60], total=95, primary=frozenset({(0, 0)}),
                            secondary=frozenset(), threshold=10)
    assert feasible_ranges(naive)[("cell", 0, 0)] == (5, 5)
    # Complementary suppression of the same table hides all four cells, which is safe.
    protected = suppress_table(cells)
    assert protected.secondary == {(0, 1), (1, 0), (1, 1)}
    assert all(low < high for low, high in feasible_ranges(protected).values())


def test_a_bridge_between_two_protected_blocks_is_recoverable_and_avoided():
    """Two blocks each protected by a cycle, joined by one suppressed cell: every row and
    column holds two suppressed cells, yet the joining cell is determined. The simple
    'two per line' rule misses this; the bridge rule does not."""
    cells = [[5, 50, 3, 60], [50, 5, 60, 60], [60, 60, 4, 50], [60, 60, 50, 6]]
    naive_hidden = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    naive = SuppressedTable(
        cells=[[None if (r, c) in naive_hidden else v for c, v in enumerate(row)]
               for r, row in enumerate(cells)],
        row_totals=[sum(row) for row in cells],
        column_totals=[sum(col) for col in zip(*cells, strict=True)],
        total=sum(map(sum, cells)), primary=frozenset(), secondary=frozenset(),
        threshold=10)
    low, high = feasible_ranges(naive)[("cell", 0, 2)]
    assert low == high == 3
    published = suppress_table(cells)
    ranges = feasible_ranges(published)
    assert all(ranges[entry_key(p, 4, 4)][0] < ranges[entry_key(p, 4, 4)][1]
               for p in published.suppressed)


def test_smallest_complements_are_chosen():
    published = suppress_table([[20, 30, 5], [40, 50, 60], [12, 33, 44]])
    assert published.primary == {(0, 2)}
    # The cheapest cycle through (0, 2): its row's 20, its column's 44 and the 12 closing it.
    assert published.secondary == {(0, 0), (2, 2), (2, 0)}
    assert published.row_totals == [55, 150, 89] and published.total == 294


def test_totals_are_suppressed_when_a_row_has_nothing_else_to_hide():
    published = suppress_table([[3, 0, 0], [40, 50, 60]])
    assert published.cells[0][0] is None
    assert published.row_totals[0] is None  # the 3 would equal the row total
    ranges = feasible_ranges(published)
    assert all(ranges[entry_key(p, 2, 3)][0] < ranges[entry_key(p, 2, 3)][1]
               for p in published.suppressed)


def test_bad_tables_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="row 1 has 1 cells, expected 2"):
        suppress_table([[1, 2], [3]])
    with pytest.raises(ValueError, match=r"cell \(0, 1\) must be a non-negative integer"):
        suppress_table([[1, -2]])
    with pytest.raises(ValueError, match="at least one row"):
        suppress_table([])


def count_ranges(shown: dict, total: int | None, true_rest: int) -> dict:
    """Attacker's bounds for hidden counts of a 1-D table (the remainder is assumed known)."""
    hidden = [k for k, v in shown.items() if v is None]
    if total is None:
        return {k: (0, np.inf) for k in hidden}
    known = sum(v for v in shown.values() if v is not None) + true_rest
    budget = total - known  # what the hidden counts add up to
    return {k: (0 if len(hidden) > 1 else budget, budget) for k in hidden}


@settings(max_examples=200, deadline=None)
@given(values=st.lists(counts, min_size=1, max_size=8), rest=st.integers(0, 20),
       with_total=st.booleans(), zeros=st.booleans())
def test_counts_with_a_total(values, rest, with_total, zeros):
    counts = {f"k{i}": v for i, v in enumerate(values)}
    total = sum(values) + rest if with_total else None
    result = suppress_counts(counts, total, threshold=10, suppress_zeros=zeros)
    for key, shown in result.counts.items():
        if shown is not None:
            assert shown == counts[key] and not 1 <= shown <= 10
            assert not (zeros and shown == 0)
    if result.total is not None:
        assert result.total == total and not 1 <= total <= 10
        for key, (low, high) in count_ranges(result.counts, result.total, rest).items():
            assert low < high, f"{key} recovered from {result}"
    assert result.primary == {k for k, v in counts.items() if 1 <= v <= 10 or (zeros and not v)}


def test_one_small_count_takes_the_next_smallest_with_it():
    result = suppress_counts({"a": 5, "b": 20, "c": 30}, 55)
    assert result.counts == {"a": None, "b": None, "c": 30}
    assert result.secondary == {"b"} and result.total == 55
    alone = suppress_counts({"a": 5, "b": 0}, 5)
    assert alone.total is None and alone.total_suppressed
