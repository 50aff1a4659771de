"""Attacks on published tables by a reader without the real counts: the never-printed counts
(unknown values), percentages, blocks that share N, multi-response rows, differencing two
periods (refused: such readers choose no period), and an independent linear-programming attack
on random data sets. test_fixed_table_set.py attacks the whole set of tables at once."""

from __future__ import annotations

import random

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from scipy.optimize import linprog

from palermo.analytics.publication import publish, publish_tables
from palermo.analytics.specs import get_spec
from palermo.analytics.tables import build_table
from palermo.cases.models import CaseFact
from tests.analytics.conftest import fact

TABLE = "/reports/ctm_full_sample/"


def published_block(published, name):
    return next(b for b in published.blocks if b.name == name)


def test_unknown_values_cannot_be_counted_from_n_minus_the_rows(cast):
    # 40 persons, 3 with no education recorded: N 40 minus the printed 37 would give the 3.
    CaseFact.objects.bulk_create([
        fact(cast.ngo_a, f"x{i}", gender="Feminine",
             education="PrimaryEducation" if i >= 3 else "") for i in range(40)])
    table = build_table(get_spec("ctm_full_sample"))
    assert table.blocks[2].missing == [3]
    published = publish(table, real_counts=False)
    education = published_block(published, "education")
    shown = sum(c.n for r in education.rows for c in r.cells if c.n is not None)
    assert published.column_n == [40]
    assert shown != 37 and not 1 <= 40 - shown <= 10 or any(
        c.n is None for r in education.rows for c in r.cells if r.label.startswith("Primary"))
    # No percentage either: 100% of "known" would give the known count back.
    assert all(c.pct is None for r in education.rows for c in r.cells)
    # The real-counts reader sees everything.
    real = publish(table, real_counts=True)
    assert published_block(real, "education").rows[0].cells[0].n == 37


def test_multi_response_rows_are_not_treated_as_additive(cast):
    # Industry: 35 sexual exploitation, 30 forced labour, 4 forced begging (the only small
    # count). Rows overlap, so no row total exists: only the small cell is hidden.
    CaseFact.objects.bulk_create([
        fact(cast.ngo_a, f"m{i}", gender="Feminine",
             exploitation_types=(["SexualExploitation"] if i < 35 else [])
             + (["ForcedLabour"] if i >= 10 else []) + (["ForcedBegging"] if i < 4 else []))
        for i in range(40)])
    industry = published_block(publish(build_table(get_spec("ctm_full_sample")),
                                       real_counts=False), "industry")
    cells = {r.label: (r.cells[0].n, r.cells[0].pct) for r in industry.rows}
    assert cells["Sexual Exploitation"] == (35, 87.5)
    assert cells["Forced Labor"] == (30, 75.0)
    assert cells["Low-level Criminal Activities"] == (None, None)


def test_ctdc_percentage_hidden_when_it_would_reveal_a_small_count(cast):
    # CTDC: % of the 37 persons with a known exploitation; 37 of N 40 reveals 3 unknown.
    CaseFact.objects.bulk_create([
        fact(cast.ngo_a, f"c{i}", gender="Feminine",
             exploitation_types=["ForcedLabour"] if i >= 3 else []) for i in range(40)])
    table = build_table(get_spec("ctm_full_sample"), convention="ctdc")
    industry = published_block(publish(table, real_counts=False), "industry")
    forced = next(r for r in industry.rows if r.label == "Forced Labor").cells[0]
    assert forced.n == 37 and forced.pct is None
    ctm = published_block(publish(build_table(get_spec("ctm_full_sample")),
                                  real_counts=False), "industry")
    assert next(r for r in ctm.rows if r.label == "Forced Labor").cells[0].pct == 92.5


def _day_apart_facts(cast):
    CaseFact.objects.bulk_create([
        fact(cast.ngo_a, f"d{i}", year=2021, month=1 + i % 12, gender="Feminine",
             age=20 + i % 10, exploitation_types=["ForcedLabour"]) for i in range(40)])


def test_restricted_readers_choose_no_period(browser, api_client, cast, tmp_path):
    # Two tables whose periods differ by a day (or by a year) differ by the persons of that
    # day: a reader without the real counts gets every year at once, years only as columns.
    _day_apart_facts(cast)
    day = {"date_to": "2021-11-30"}
    page = browser("chen").get(TABLE, day).content.decode()
    assert "to: not available" in page and "All Countries (N=" not in page
    assert browser("chen").get(TABLE + "export.csv", day).status_code == 400
    for period in ({"date_from": "2021-03-02"}, {"date_from": "2021-01-01",
                                                  "date_to": "2021-12-31"}):
        response = api_client("dana").get("/api/statistics/tables/ctm_full_sample", period)
        assert response.status_code == 422 and set(response.json()["fields"]) == set(period)
    with pytest.raises(CommandError, match="--to: a suppressed report"):
        call_command("report", "ctm", "--out", str(tmp_path / "x.csv"), "--format", "csv",
                     "--to", "2021-11-30")
    # The year is a column instead; the supervisor (real counts of her organisation) may
    # pick any day.
    assert "2021 (N=40)" in browser("chen").get(TABLE, {"by": "year"}).content.decode()
    assert "All Countries (N=37)" in browser("fatima").get(TABLE, day).content.decode()


def test_report_as_a_user_cannot_widen_their_scope_with_org(cast, mixed_facts, tmp_path):
    out = str(tmp_path / "t.csv")
    with pytest.raises(CommandError, match="fatima may not count"):
        call_command("report", "ctm_full_sample", "--out", out, "--format", "csv",
                     "--as", "fatima", "--org", "NGO B", "--unsuppressed")
    call_command("report", "ctm_full_sample", "--out", out, "--format", "csv",
                 "--as", "emre")
    assert "All Countries (N=60)" in (tmp_path / "t.csv").read_text()  # NGO A only


# --- an independent attack on random data sets --------------------------------------------

def _random_rows(cast, seed: int, n: int) -> list[CaseFact]:
    rnd = random.Random(seed)
    regions = ["central-asia", "eastern-europe", "south-asia", "southeast-europe", ""]
    return [fact(rnd.choice([cast.ngo_a, cast.ngo_b]), f"s{seed}-{rnd.randint(0, n)}",
                 year=rnd.choice([2019, 2020, 2021]),
                 gender=rnd.choice(["Feminine"] * 4 + ["Masculine", "", "NonConforming"]),
                 age=rnd.choice([None, 12, 16, 20, 22, 27, 35]),
                 education=rnd.choice(["", "PrimaryEducation", "UpperSecondaryEducation",
                                       "Unknown", "LowerSecondaryEducation"]),
                 origin_region=rnd.choice(regions),
                 destination_region=rnd.choice(["european-union-and-turkey", "east-asia", ""]),
                 trafficking_type=rnd.choice(["transnational", "in_country", ""]),
                 exploitation_types=rnd.sample(["ForcedLabour", "SexualExploitation",
                                                "ForcedBegging", "ForcedMarriage"],
                                               rnd.randint(0, 2)))
            for _ in range(n)]


def _attack(table, published, limit: int) -> list[str]:
    """What a reader recovers from the printed table alone: every hidden count and N is an
    unknown ≥ 0; each single-response block's column adds up to N with the never-printed rest
    (unknown, unless a shown percentage of known gives it away). Returns the small hidden
    counts that linear programming pins to their true value."""
    width = len(table.columns)
    index, truth, rows = {}, {}, []
    pinned = []

    def var(key, value):
        index.setdefault(key, len(index))
        truth[key] = value
        return index[key]

    for b, (block, shown) in enumerate(zip(table.blocks, published.blocks, strict=True)):
        if block.multi:
            continue
        for c in range(width):
            rest = block.unprinted[c] + block.missing[c]
            if sum(r.counts[c] for r in block.rows) + rest != table.column_n[c]:
                continue  # persons with conflicting values: no equation
            terms, known = [], 0
            for r, (row, out) in enumerate(zip(block.rows, shown.rows, strict=True)):
                if out.cells[c].n is None:
                    terms.append((var(("cell", b, r, c), row.counts[c]), 1))
                else:
                    known += out.cells[c].n
            if any(out.cells[c].pct is not None for out in shown.rows):
                known += rest  # N and a percentage of known give the rest away
                if 1 <= rest <= limit:
                    pinned.append(f"rest{(b, c)}={rest}")
            else:
                terms.append((var(("rest", b, c), rest), 1))
            if published.column_n[c] is None:
                terms.append((var(("n", c), table.column_n[c]), -1))
            else:
                known -= published.column_n[c]
            rows.append((terms, -known))
    protect = [k for k, v in truth.items() if 1 <= v <= limit]
    if not protect:
        return pinned
    a_eq = np.zeros((len(rows), len(index)))
    b_eq = np.zeros(len(rows))
    for i, (terms, value) in enumerate(rows):
        for j, sign in terms:
            a_eq[i, j] += sign
        b_eq[i] = value
    for key in protect:
        objective = np.zeros(len(index))
        objective[index[key]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0
        if high.status == 0 and high.x[index[key]] - low.x[index[key]] < 0.5:
            pinned.append(f"{key}={truth[key]}")
    return pinned


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_small_count_shown_or_recoverable_in_random_tables(cast, seed):
    CaseFact.objects.bulk_create(_random_rows(cast, seed, 120 + 60 * seed))
    for key, by, convention in [("ctm_full_sample", None, "ctm"),
                                ("ctm_full_sample", None, "ctdc"),
                                ("ctm_regions_of_origin", None, "ctm"),
                                ("ctm_full_sample", "year", "ctm"),
                                ("ctm_full_sample", "sex_age", "ctdc"),
                                ("ctm_full_sample", "organisation", "ctm")]:
        published = publish_tables([get_spec(key)], scope_orgs=None, real_counts=False,
                                   by=by, convention=convention, limit=10)[0]
        table = published.table
        where = f"{key} by {by} ({convention})"
        shown = [c.n for b in published.blocks for r in b.rows for c in r.cells]
        assert not [n for n in shown + published.column_n
                    if n is not None and 1 <= n <= 10], where
        for b in published.blocks:
            for r in b.rows:
                for c, cell in enumerate(r.cells):
                    if cell.pct is not None:  # a percentage only beside its count and N
                        assert cell.n is not None and published.column_n[c] is not None
        assert _attack(table, published, 10) == [], where
        # Something is still shown: suppression did not fall back to hiding everything.
        assert any(n for n in shown if n), where


def test_audit_finds_a_count_one_block_hides_and_another_gives_back():
    from palermo.analytics.audit import AuditBlock, AuditTable, exposed

    # Column 1 has N 9 (hidden). Block A hides its 9 and N; block B shows column 1 whole
    # (9 and 0): B's column adds up to N, so N and A's 9 come back.
    rows = [("row", "x"), ("row", "y")]
    a = AuditBlock(False, rows, [[9, 30], [0, 20]], [[False, True], [True, True]])
    b = AuditBlock(False, rows, [[9, 25], [0, 25]], [[True, True], [True, True]])
    table = AuditTable([9, 50], [False, True], [a, b])
    assert set(exposed([table], 10)) == {(0, "cell", 0, ("row", "x"), 0), (0, "n", 0)}
    b.shown[0][0] = False  # B hides it too: nothing ties N to a shown figure any more
    assert exposed([table], 10) == []
    # Beside the ungrouped table (N 59 shown), N of column 0 is 59 minus N of column 1.
    whole = AuditTable([59], [True], [AuditBlock(False, rows, [[18], [41]], [[False], [False]]),
                                      AuditBlock(False, rows, [[34], [25]], [[True], [True]])])
    assert (1, "n", 0) in exposed([whole, table], 10)


def test_audit_links_rows_of_persons_as_at_least_or_exactly():
    from palermo.analytics.audit import AuditBlock, AuditTable, exposed

    # A grouped row 3 + 12 (the 3 hidden, and N hidden too) against the ungrouped count of
    # the same persons. If it is 15, each person is in one column: 15 - 12 gives the 3 back.
    # If it is 14 (a person in both columns), the reader only knows "at least 14": 2 or 3.
    def grouped():
        return AuditTable([20, 30], [False, True], [AuditBlock(
            True, [("row", "x")], [[3, 12]], [[False, True]])])

    def whole(count):
        return AuditTable([48], [True], [AuditBlock(True, [("row", "x")], [[count]],
                                                    [[True]])])

    assert exposed([whole(15), grouped()], 10) == [(1, "cell", 0, ("row", "x"), 0)]
    assert exposed([whole(14), grouped()], 10) == []
