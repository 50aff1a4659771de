"""Counting CaseFact rows fast: categories coded in SQL, persons counted once in numpy.

The database does what it is good at — one scan of the fact table, every variable turned into
a small integer code by a ``CASE`` expression and the codes packed into one or two 64-bit
integers per row — and Python receives two values per row (the person key and the packed
codes) instead of a dozen strings. numpy then counts distinct persons per (column, category)
with ``bincount``; only persons with several cases need a ``unique``. The same SQL runs on
SQLite and PostgreSQL (plain ``CASE``, ``LIKE … ESCAPE``, ``REPLACE``).

Codes of a single-response variable: 0 = missing, 1..k = the categories in printed order,
k+1 = any other known value. A multi-response variable is a bit mask: bit i for category i,
bit k for "another known value".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from palermo.analytics.specs import NUMBER_FIELDS, RowVariable
from palermo.cases.facts import CaseFact

PACK_LIMIT = 2**62  # product of radices packed into one signed 64-bit integer
FETCH_CHUNK = 200_000


@dataclass(frozen=True)
class Filters:
    """Which facts a table counts: period (case opened), organisations, client categories,
    data sources (how the cases entered Palermo: ``palermo.cases.facts.DATA_SOURCES``).
    An empty tuple does not filter."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    organisations: tuple[int, ...] = ()
    client_categories: tuple[str, ...] = ()
    data_sources: tuple[str, ...] = ()

    def describe(self) -> dict:
        """The filters as plain values (release log, file headers, API)."""
        return {"from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None,
                "organisations": list(self.organisations),
                "client_categories": list(self.client_categories),
                "data_sources": list(self.data_sources)}


Coder = Callable[[list], tuple[list[int], list[str] | None]]


@dataclass
class Dimension:
    """A variable turned into integer codes: by a SQL ``CASE`` (packed with the others), or
    — ``coder`` set — read raw and coded in Python once per distinct value (JSON lists, and
    variables whose categories are the values present)."""

    name: str
    column: str  # database column
    labels: list[str]
    multi: bool = False
    other_label: str | None = None
    sql: str = ""
    params: list = field(default_factory=list)
    coder: Coder | None = None

    @property
    def radix(self) -> int:
        k = len(self.labels)
        return 2 ** (k + 1) if self.multi else k + 2


def _column(field_name: str) -> str:
    return CaseFact._meta.get_field(field_name.removesuffix("_id")).column \
        if field_name.endswith("_id") else CaseFact._meta.get_field(field_name).column


def _in(column: str, values, params: list) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Band:
    """An inclusive range of numbers (``None`` = open end), e.g. an age band."""

    low: int | None
    high: int | None


def single_dimension(name: str, column: str, categories: list[tuple[str, object]],
                     missing=(), other_label: str | None = None) -> Dimension:
    """A single-response dimension. *categories* are (label, matcher) pairs where the
    matcher is a tuple of stored values or a (low, high) range of numbers (None = open)."""
    params: list = []
    whens = [f"WHEN {column} IS NULL THEN 0"]
    if missing:
        whens.append(f"WHEN {_in(column, list(missing), params)} THEN 0")
    for code, (_, matcher) in enumerate(categories, start=1):
        if isinstance(matcher, Band):
            parts = []
            if matcher.low is not None:
                parts.append(f"{column} >= %s")
                params.append(matcher.low)
            if matcher.high is not None:
                parts.append(f"{column} <= %s")
                params.append(matcher.high)
            whens.append(f"WHEN {' AND '.join(parts)} THEN {code}")
        elif matcher:
            whens.append(f"WHEN {_in(column, list(matcher), params)} THEN {code}")
    sql = f"CASE {' '.join(whens)} ELSE {len(categories) + 1} END"
    return Dimension(name, column, [label for label, _ in categories], False, other_label,
                     sql, params)


def multi_dimension(name: str, column: str, categories: list[tuple[str, tuple]],
                    missing=(), other_label: str | None = None) -> Dimension:
    """A multi-response dimension over a JSON list column: one bit per category, and a bit
    for any other non-missing value. The list is read as text and each distinct text is
    decoded once (a JSON ``CASE`` per row costs the database far more)."""
    listed = [set(values) for _, values in categories]
    known_elsewhere = set().union(*listed, missing) if listed else set(missing)
    other_bit = 1 << len(categories)

    def coder(uniques: list) -> tuple[list[int], None]:
        codes = []
        for text in uniques:
            values = json.loads(text) if isinstance(text, str) and text else (text or [])
            present = set(values)
            bits = sum(1 << i for i, cat in enumerate(listed) if cat & present)
            if present - known_elsewhere:
                bits |= other_bit
            codes.append(bits)
        return codes, None

    return Dimension(name, column, [label for label, _ in categories], True, other_label,
                     f"CAST({column} AS TEXT)", [], coder)


def multi_sql(column: str, categories: list[tuple[str, tuple]], missing=()) -> tuple[str, list]:
    """The same bit mask as :func:`multi_dimension`, computed in SQL per row (``LIKE`` for
    each category, nested ``REPLACE`` for other values): used by the DuckDB baseline."""
    params: list = []
    text = f"CAST({column} AS TEXT)"
    terms = []
    for bit, (_, values) in enumerate(categories):
        if not values:
            continue
        likes = []
        for value in values:
            likes.append(f"{text} LIKE %s ESCAPE '\\'")
            params.append(f'%"{_like_escape(str(value))}"%')
        terms.append(f"(CASE WHEN {' OR '.join(likes)} THEN {2 ** bit} ELSE 0 END)")
    stripped = text
    for value in [v for _, vs in categories for v in vs] + list(missing):
        stripped = f"REPLACE({stripped}, %s, '')"
        params.append(f'"{value}"')
    for char in ("[", "]", ",", " "):
        stripped = f"REPLACE({stripped}, '{char}', '')"
    bit = len(categories)
    terms.append(f"(CASE WHEN {column} IS NOT NULL AND {stripped} <> '' THEN {2 ** bit} "
                 "ELSE 0 END)")
    return " + ".join(terms), params


def value_dimension(name: str, column: str, missing=(),
                    label_of: Callable[[list], list[str]] | None = None) -> Dimension:
    """A dimension whose categories are the non-missing values present, sorted; read raw
    and coded once per distinct value. *label_of* turns the sorted values into labels."""

    def coder(uniques: list) -> tuple[list[int], list[str]]:
        values = sorted(v for v in uniques if v is not None and v not in missing)
        index = {v: i for i, v in enumerate(values, start=1)}
        labels = label_of(values) if label_of else [str(v) for v in values]
        return [index.get(u, 0) for u in uniques], labels

    return Dimension(name, column, [], sql=column, coder=coder)


def row_dimension(row: RowVariable) -> Dimension:
    """The dimension of a specification's row block."""
    column = _column(row.field)
    if row.multi_response:
        return multi_dimension(row.name, column, [(c.label, c.values) for c in row.categories],
                               row.missing, row.other_label)
    if row.by_value:
        return value_dimension(row.name, column, row.missing)
    if row.field in NUMBER_FIELDS:
        cats = [(c.label, Band(c.low, c.high)) for c in row.categories]
        return single_dimension(row.name, column, cats, (), row.other_label)
    return single_dimension(row.name, column, [(c.label, c.values) for c in row.categories],
                            row.missing, row.other_label)


def where_clause(filters: Filters, scope_orgs: tuple[int, ...] | None) -> tuple[str, list]:
    """The WHERE clause (with its parameters) of *filters* within the access scope
    (``None`` = every organisation; an empty tuple = none)."""
    parts, params = [], []
    if filters.date_from:
        parts.append(f"{_column('opened_on')} >= %s")
        params.append(filters.date_from)
    if filters.date_to:
        parts.append(f"{_column('opened_on')} <= %s")
        params.append(filters.date_to)
    organisations = list(filters.organisations)
    if scope_orgs is not None:
        organisations = [o for o in organisations if o in scope_orgs] if organisations \
            else list(scope_orgs)
        if not organisations:
            return "WHERE 1 = 0", []
    if organisations:
        parts.append(_in(_column("organisation_id"), organisations, params))
    if filters.client_categories:
        parts.append(_in(_column("client_category"), list(filters.client_categories), params))
    if filters.data_sources:
        parts.append(_in(_column("data_source"), list(filters.data_sources), params))
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


@dataclass
class Facts:
    """The filtered facts as arrays: person codes and one code array per dimension."""

    person: np.ndarray
    codes: dict[str, np.ndarray]
    by_cases: bool = False
    _single: np.ndarray | None = None

    @property
    def rows(self) -> int:
        return len(self.person)

    def single_case(self) -> np.ndarray:
        """Rows whose person has no other row: counted without deduplication."""
        if self._single is None:
            per_person = np.bincount(self.person) if self.rows else np.zeros(0, np.int64)
            self._single = per_person[self.person] == 1
        return self._single

    def distinct(self, key: np.ndarray, size: int, mask: np.ndarray | None = None
                 ) -> np.ndarray:
        """How many distinct persons (or rows, when counting cases) fall on each key value
        in ``range(size)``, optionally among the rows of *mask* only."""
        person = self.person
        if mask is not None:
            key, person = key[mask], person[mask]
        if self.by_cases:
            return np.bincount(key, minlength=size)[:size]
        single = self.single_case() if mask is None else self.single_case()[mask]
        counts = np.bincount(key[single], minlength=size)[:size]
        if not single.all():
            pairs = np.unique(person[~single].astype(np.int64) * size + key[~single])
            counts = counts + np.bincount(pairs % size, minlength=size)[:size]
        return counts


def _pack(dimensions: list[Dimension]) -> list[tuple[str, list, list[tuple[Dimension, int]]]]:
    """Group dimensions into packed SQL integers: (expression, params, [(dim, multiplier)])."""
    packs: list = []
    current: list = []
    multiplier = 1
    for dim in dimensions:
        if current and multiplier * dim.radix >= PACK_LIMIT:
            packs.append(current)
            current, multiplier = [], 1
        current.append((dim, multiplier))
        multiplier *= dim.radix
    if current:
        packs.append(current)
    out = []
    for group in packs:
        sql = " + ".join(f"CAST(({d.sql}) AS BIGINT) * {m}" for d, m in group)
        params = [p for d, _ in group for p in d.params]
        out.append((sql, params, group))
    return out


def _decode(values: np.ndarray, dim: Dimension) -> np.ndarray:
    """Codes of a raw column: the coder runs once per distinct value."""
    index, uniques = pd.factorize(values, use_na_sentinel=True)
    codes, labels = dim.coder(list(uniques))
    if labels is not None:
        dim.labels = labels
    table = np.asarray(list(codes) + [0], dtype=np.int64)
    return table[index]  # index -1 (NULL) takes the last entry: missing


def fetch(dimensions: list[Dimension], where: str, params: list) -> Facts:
    """Read the filtered facts once: the person key, the packed codes of the SQL-coded
    dimensions and the raw values of the others (coded here)."""
    from django.db import connection

    coded = [d for d in dimensions if d.coder is None]
    raw = [d for d in dimensions if d.coder is not None]
    packs = _pack(coded)
    select = ", ".join(["person_key"] + [f"({sql})" for sql, _, _ in packs]
                       + [d.sql for d in raw])
    sql = f"SELECT {select} FROM {CaseFact._meta.db_table} {where}"
    all_params = [p for _, ps, _ in packs for p in ps] + list(params)
    width = 1 + len(packs) + len(raw)
    parts: list[list[np.ndarray]] = [[] for _ in range(width)]
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        while chunk := cursor.fetchmany(FETCH_CHUNK):
            columns = list(zip(*chunk, strict=True))
            for i, values in enumerate(columns):
                if 1 <= i <= len(packs):
                    parts[i].append(np.fromiter(values, dtype=np.int64, count=len(chunk)))
                else:
                    parts[i].append(np.array(values, dtype=object))
    joined = [np.concatenate(p) if p else np.zeros(0, dtype=object) for p in parts]
    person = pd.factorize(joined[0])[0].astype(np.int64) if len(joined[0]) else \
        np.zeros(0, np.int64)
    codes: dict[str, np.ndarray] = {}
    for (_, _, group), values in zip(packs, joined[1:1 + len(packs)], strict=True):
        values = values.astype(np.int64)
        for dim, multiplier in group:
            codes[dim.name] = (values // multiplier) % dim.radix
    for dim, values in zip(raw, joined[1 + len(packs):], strict=True):
        codes[dim.name] = _decode(values, dim)
    return Facts(person=person, codes=codes)
