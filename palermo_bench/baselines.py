"""The benchmark's baselines: the same CTM counts computed by pandas and by DuckDB from the
facts exported as CSV, and Palermo's counts in the same shape, so ``palermo bench`` can check
that all three agree before comparing their times.

Counts are keyed ``(table, block, row label)`` → a tuple of per-column counts of persons, plus
``(table, "N", "")`` for the column N.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from palermo.analytics.engine import multi_sql, row_dimension, single_dimension
from palermo.analytics.specs import NUMBER_FIELDS, REFERENCE_GROUPINGS, RowVariable, TableSpec


def table_counts(tables) -> dict:
    """Palermo's computed tables in the baselines' shape (real counts, before suppression)."""
    out = {}
    for table in tables:
        out[(table.spec.key, "N", "")] = tuple(table.column_n)
        for block in table.blocks:
            for row in block.rows:
                if any(row.counts) or not row.other:
                    out[(table.spec.key, block.name, row.label)] = tuple(row.counts)
    return out


def _column_values(spec: TableSpec) -> tuple[str | None, list[str], list[str]]:
    """(field, stored values, labels) of a table's single column grouping."""
    (name,) = spec.columns
    if name == "all":
        return None, [""], [spec.column_label or "All"]
    from palermo.core.models import Region

    regions = list(Region.objects.filter(scheme=REFERENCE_GROUPINGS[name]).order_by("order")
                   .values_list("code", "name"))
    return name, [c for c, _ in regions], [n for _, n in regions]


def _labels_of_list(text: str, row: RowVariable) -> list[str]:
    values = json.loads(text) if text else []
    labels = [c.label for c in row.categories if set(c.values) & set(values)]
    listed = {v for c in row.categories for v in c.values} | set(row.missing)
    if row.other_label and any(v not in listed for v in values):
        labels.append(row.other_label)
    return labels


def _pandas_labels(frame: pd.DataFrame, row: RowVariable) -> pd.Series:
    """Each case's category label for *row* (NaN when missing or unlisted)."""
    values = frame[row.field]
    if row.by_value:
        return values.where(values != "", None)
    if row.field in NUMBER_FIELDS:
        numbers = pd.to_numeric(values, errors="coerce")
        labels = pd.Series(np.nan, index=frame.index, dtype=object)
        for cat in row.categories:
            inside = numbers.notna()
            if cat.low is not None:
                inside &= numbers >= cat.low
            if cat.high is not None:
                inside &= numbers <= cat.high
            labels[inside] = cat.label
        return labels
    mapping = {v: c.label for c in row.categories for v in c.values}
    labels = values.map(mapping)
    if row.other_label:
        known_other = labels.isna() & ~values.isin(list(row.missing) + [""])
        labels[known_other] = row.other_label
    return labels


def pandas_counts(path: Path, specs: list[TableSpec]) -> dict:
    """The pandas route: read_csv, then per variable drop duplicate persons and crosstab."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = {}
    for spec in specs:
        field, stored, labels = _column_values(spec)
        if field is None:
            column = pd.Series(labels[0], index=frame.index)
        else:
            column = frame[field].map(dict(zip(stored, labels, strict=True)))
        out[(spec.key, "N", "")] = tuple(
            pd.DataFrame({"p": frame.person_key, "c": column}).dropna().drop_duplicates()
            .c.value_counts().reindex(labels, fill_value=0).astype(int))
        for row in spec.rows:
            if row.multi_response:
                uniques = {t: _labels_of_list(t, row) for t in frame[row.field].unique()}
                cats = frame[row.field].map(uniques).explode()
                long = pd.DataFrame({"p": frame.person_key.loc[cats.index], "c": column.loc[
                    cats.index], "v": cats.values})
            else:
                long = pd.DataFrame({"p": frame.person_key, "c": column,
                                     "v": _pandas_labels(frame, row)})
            long = long.dropna().drop_duplicates()
            crosstab = pd.crosstab(long.v, long.c).reindex(columns=labels, fill_value=0)
            order = [str(v) for v in sorted(int(y) for y in crosstab.index)] if row.by_value \
                else [c.label for c in row.categories] + (
                    [row.other_label] if row.other_label else [])
            crosstab = crosstab.reindex(order, fill_value=0)
            for label, counts in crosstab.iterrows():
                if any(counts) or label != row.other_label:
                    out[(spec.key, row.name, label)] = tuple(int(v) for v in counts)
    return out


def _duck(sql: str) -> str:
    return sql.replace("%s", "?")


def duckdb_counts(path: Path, specs: list[TableSpec]) -> dict:
    """DuckDB over the same exported facts: read_csv, then COUNT(DISTINCT person_key) per
    (column, category) with the same CASE coding as Palermo's SQL."""
    con = duckdb.connect()
    con.execute("CREATE TABLE f AS SELECT * FROM read_csv(?, header = true)", [str(path)])
    out = {}
    for spec in specs:
        field, stored, labels = _column_values(spec)
        if field is None:
            col_sql, col_params = "1", []
        else:
            dim = single_dimension("c", field, [(lab, (v,)) for v, lab in zip(
                stored, labels, strict=True)], ("",))
            col_sql, col_params = _duck(dim.sql), dim.params
        n = dict(con.execute(f"SELECT c, COUNT(DISTINCT person_key) FROM (SELECT person_key, "
                             f"{col_sql} AS c FROM f) GROUP BY c", col_params).fetchall())
        out[(spec.key, "N", "")] = tuple(n.get(i, 0) for i in range(1, len(labels) + 1))
        for row in spec.rows:
            if row.multi_response:
                bits_sql, bits_params = multi_sql(row.field, [(c.label, c.values)
                                                              for c in row.categories],
                                                  row.missing)
                names = [c.label for c in row.categories] + (
                    [row.other_label] if row.other_label else [])
                counts = ", ".join(
                    f"COUNT(DISTINCT CASE WHEN (b // {2 ** i}) % 2 = 1 THEN person_key END)"
                    for i in range(len(names)))
                result = con.execute(
                    f"SELECT c, {counts} FROM (SELECT person_key, {col_sql} AS c, "
                    f"{_duck(bits_sql)} AS b FROM f) GROUP BY c",
                    col_params + bits_params).fetchall()
                by_column = {r[0]: r[1:] for r in result}
                for i, label in enumerate(names):
                    values = tuple(int(by_column.get(c, [0] * len(names))[i])
                                   for c in range(1, len(labels) + 1))
                    if any(values) or label != row.other_label:
                        out[(spec.key, row.name, label)] = values
                continue
            if row.by_value:
                present = sorted(v for (v,) in con.execute(
                    f"SELECT DISTINCT {row.field} FROM f WHERE {row.field} IS NOT NULL")
                    .fetchall())
                dim = single_dimension(row.name, row.field, [(str(v), (v,)) for v in present])
            else:
                dim = row_dimension(row)
            result = con.execute(
                f"SELECT c, v, COUNT(DISTINCT person_key) FROM (SELECT person_key, "
                f"{col_sql} AS c, {_duck(dim.sql)} AS v FROM f) GROUP BY c, v",
                col_params + dim.params).fetchall()
            cells = {(c, v): k for c, v, k in result}
            names = dim.labels + ([row.other_label] if row.other_label else [])
            for code, label in enumerate(names, start=1):
                values = tuple(int(cells.get((c, code), 0)) for c in range(1, len(labels) + 1))
                if any(values) or label != row.other_label:
                    out[(spec.key, row.name, label)] = values
    return out
