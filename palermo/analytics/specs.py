"""Table specifications: one YAML file per table in ``palermo/analytics/specs/``.

A specification names the rows (a CaseFact field, its categories with their labels and order,
single or multi-response), the column grouping, the cell contents, the percentage convention,
the notes and the source line. It is data, validated on load: every error names the file, the
key and the reason (``ctm_full_sample.yaml: rows[2].categories[1].min: must be a whole
number``). The format is documented in docs/analytics.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).parent / "specs"

CONVENTIONS = ("ctm", "ctdc")
COUNTS = ("persons", "cases")
CELLS = ("n", "%")
# Missing values of a coded field unless the specification lists its own (HTCDS refusals).
DEFAULT_MISSING = ("", "Unknown", "DeclinedToAnswer")
# Column groupings with their own categories; any other name is a row of the specification
# or a CaseFact field grouped by the values present.
REFERENCE_GROUPINGS = {"origin_region": "origin", "destination_region": "destination"}
ALIASES = {"sex_age": ("gender", "age_band")}

# CaseFact fields by how a table may use them.
TEXT_FIELDS = frozenset({
    "status", "client_category", "gender", "citizenship", "education", "origin_country",
    "origin_region", "destination_country", "destination_region", "trafficking_type",
    "trafficking_status", "identifying_agency", "recruiter_relationship", "knew_risks"})
NUMBER_FIELDS = frozenset({"year", "age", "exploitation_months", "organisation_id"})
LIST_FIELDS = frozenset({
    "exploitation_countries", "exploitation_types", "means_of_control",
    "forced_labour_industries", "sexual_exploitation_types", "recruitment_methods",
    "awareness_sources"})
FLAG_FIELDS = frozenset({"is_retrafficked"})
FIELDS = TEXT_FIELDS | NUMBER_FIELDS | LIST_FIELDS | FLAG_FIELDS
FIELD_ALIASES = {"organisation": "organisation_id"}

_TOP_KEYS = {"key", "title", "description", "counts", "convention", "columns", "cells",
             "total_row", "chart", "source", "notes", "rows", "rows_from"}
_ROW_KEYS = {"name", "field", "label", "categories", "multi_response", "group", "other",
             "missing"}


class SpecError(ValueError):
    """A specification that cannot be used; the message names file, key and reason."""

    def __init__(self, file: str, key: str, reason: str):
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"{file}: {key}: {reason}")


@dataclass(frozen=True)
class Category:
    """One printed category: the stored values it holds, or an age range (inclusive)."""

    label: str
    values: tuple = ()
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class RowVariable:
    """A block of rows: one CaseFact field and its categories in printed order."""

    name: str
    field: str
    label: str
    categories: tuple[Category, ...]  # empty when by_value
    by_value: bool = False
    multi_response: bool = False
    group: str = ""
    other_label: str | None = None
    missing: tuple = DEFAULT_MISSING

    @property
    def ranged(self) -> bool:
        return self.field in NUMBER_FIELDS and not self.by_value


@dataclass(frozen=True)
class TableSpec:
    """A table: rows, columns, cells, convention, notes, source."""

    key: str
    title: str
    rows: tuple[RowVariable, ...]
    columns: tuple[str, ...] = ("all",)
    column_label: str = ""
    description: str = ""
    counts: str = "persons"
    convention: str = "ctm"
    cells: tuple[str, ...] = CELLS
    total_row: bool = False
    chart: str | None = None
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def row(self, name: str) -> RowVariable | None:
        """The row variable called *name*, if the table has one."""
        return next((r for r in self.rows if r.name == name), None)


class _Checker:
    """Validation helpers that know which file they are reading."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, key: str, reason: str):
        raise SpecError(self.file, key, reason)

    def text(self, data: dict, name: str, where: str, *, required: bool = True,
             default: str = "") -> str:
        value = data.get(name, None)
        if value is None:
            if required:
                self.fail(f"{where}{name}", "is required")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{where}{name}", "must be a non-empty text")
        return value.strip()

    def choice(self, data: dict, name: str, allowed: tuple, default: str) -> str:
        value = data.get(name, default)
        if value not in allowed:
            self.fail(name, f"must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def whole(self, value: Any, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be a whole number, not {value!r}")
        return value


def _category(check: _Checker, raw: Any, where: str, ranged: bool) -> Category:
    if not isinstance(raw, dict):
        check.fail(where, "must be a mapping with a label")
    unknown = set(raw) - {"label", "values", "min", "max"}
    if unknown:
        check.fail(f"{where}.{sorted(unknown)[0]}", "is not a category key "
                   "(label, values, min, max)")
    label = check.text(raw, "label", f"{where}.")
    if ranged:
        if "values" in raw:
            check.fail(f"{where}.values", "a numeric field takes min and max, not values")
        low = check.whole(raw["min"], f"{where}.min") if "min" in raw else None
        high = check.whole(raw["max"], f"{where}.max") if "max" in raw else None
        if low is None and high is None:
            check.fail(where, "needs min, max or both")
        if low is not None and high is not None and low > high:
            check.fail(f"{where}.min", f"{low} is greater than max {high}")
        return Category(label, low=low, high=high)
    if "min" in raw or "max" in raw:
        check.fail(f"{where}.min", "only numeric fields take min and max")
    values = raw.get("values")
    if not isinstance(values, list) or not all(isinstance(v, (str, int)) for v in values):
        check.fail(f"{where}.values", "must be a list of stored values (may be empty)")
    return Category(label, values=tuple(values))


def _overlaps(categories: list[Category]) -> tuple[int, int] | None:
    """Indexes of two categories that share a value or an age, if any."""
    seen: dict = {}
    for i, cat in enumerate(categories):
        for value in cat.values:
            if value in seen:
                return seen[value], i
            seen[value] = i
    ranges = [(c.low if c.low is not None else -10**9, c.high if c.high is not None else 10**9, i)
              for i, c in enumerate(categories) if not c.values and (c.low, c.high) != (None, None)]
    ranges.sort()
    for (_, high, i), (low, _, j) in zip(ranges, ranges[1:], strict=False):
        if low <= high:
            return i, j
    return None


def _row(check: _Checker, raw: Any, index: int) -> RowVariable:
    where = f"rows[{index}]"
    if not isinstance(raw, dict):
        check.fail(where, "must be a mapping")
    unknown = set(raw) - _ROW_KEYS
    if unknown:
        check.fail(f"{where}.{sorted(unknown)[0]}", "is not a row key "
                   f"({', '.join(sorted(_ROW_KEYS))})")
    name = check.text(raw, "name", f"{where}.")
    if not name.isidentifier():
        check.fail(f"{where}.name", f"{name!r} must be a plain identifier")
    field_name = check.text(raw, "field", f"{where}.")
    field_name = FIELD_ALIASES.get(field_name, field_name)
    if field_name not in FIELDS:
        check.fail(f"{where}.field", f"{field_name!r} is not a CaseFact field a table can use")
    multi = raw.get("multi_response", False)
    if not isinstance(multi, bool):
        check.fail(f"{where}.multi_response", "must be true or false")
    if multi != (field_name in LIST_FIELDS):
        check.fail(f"{where}.multi_response", f"{field_name} is "
                   + ("a list: set multi_response: true" if field_name in LIST_FIELDS
                      else "a single value: multi_response must be false"))
    raw_categories = raw.get("categories")
    by_value = raw_categories == "by_value"
    ranged = field_name in NUMBER_FIELDS and not by_value
    categories: list[Category] = []
    if by_value:
        if multi:
            check.fail(f"{where}.categories", "by_value is for single-response fields")
    elif not isinstance(raw_categories, list) or not raw_categories:
        check.fail(f"{where}.categories", "must be a non-empty list, or by_value")
    else:
        categories = [_category(check, c, f"{where}.categories[{i}]", ranged)
                      for i, c in enumerate(raw_categories)]
        clash = _overlaps(categories)
        if clash:
            check.fail(f"{where}.categories[{clash[1]}]",
                       f"overlaps categories[{clash[0]}]: a value may be in one category only")
    other = raw.get("other")
    if other is not None and (not isinstance(other, dict) or set(other) != {"label"}):
        check.fail(f"{where}.other", "must be a mapping with only a label")
    missing = raw.get("missing", list(DEFAULT_MISSING))
    if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
        check.fail(f"{where}.missing", "must be a list of stored values")
    group = raw.get("group", name)
    if not isinstance(group, str) or not group:
        check.fail(f"{where}.group", "must be a non-empty text")
    return RowVariable(name=name, field=field_name, label=check.text(raw, "label", f"{where}."),
                       categories=tuple(categories), by_value=by_value, multi_response=multi,
                       group=group, other_label=other["label"] if other else None,
                       missing=tuple(missing))


def column_dimensions(by: Any, rows: tuple[RowVariable, ...], check: _Checker,
                      key: str = "columns.by") -> tuple[str, ...]:
    """The column grouping as a tuple of dimension names, validated."""
    names = [by] if isinstance(by, str) else by
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        check.fail(key, "must be a grouping name or a list of them")
    expanded: list[str] = []
    for name in names:
        expanded.extend(ALIASES.get(name, (FIELD_ALIASES.get(name, name),)))
    row_names = {r.name for r in rows}
    for name in expanded:
        if name == "all":
            if len(expanded) > 1:
                check.fail(key, "all cannot be combined with another grouping")
            continue
        if name not in REFERENCE_GROUPINGS and name not in row_names and name not in FIELDS:
            check.fail(key, f"{name!r} is not a grouping: all, origin_region, "
                       "destination_region, year, organisation, sex_age, a row name or a "
                       "CaseFact field")
        if name in LIST_FIELDS:
            check.fail(key, f"{name} is multi-response and cannot group columns")
    return tuple(expanded)


def parse_spec(data: Any, file: str, rows_of: dict[str, tuple] | None = None) -> TableSpec:
    """Validate one specification's parsed YAML. *rows_of* resolves ``rows_from``."""
    check = _Checker(file)
    if not isinstance(data, dict):
        check.fail("(top)", "the file must hold a mapping")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        check.fail(sorted(unknown)[0],
                   f"is not a specification key ({', '.join(sorted(_TOP_KEYS))})")
    key = check.text(data, "key", "")
    if Path(file).stem != key and file.endswith(".yaml"):
        check.fail("key", f"{key!r} must equal the file name {Path(file).stem!r}")
    if ("rows" in data) == ("rows_from" in data):
        check.fail("rows", "give either rows or rows_from (another table's key)")
    if "rows_from" in data:
        source = data["rows_from"]
        if not rows_of or source not in rows_of:
            check.fail("rows_from", f"no table {source!r} with its own rows")
        rows = rows_of[source]
    else:
        if not isinstance(data["rows"], list) or not data["rows"]:
            check.fail("rows", "must be a non-empty list")
        rows = tuple(_row(check, raw, i) for i, raw in enumerate(data["rows"]))
        names = [r.name for r in rows]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            check.fail("rows", f"the name {sorted(dupes)[0]!r} is used twice")
    columns = data.get("columns", {"by": ["all"]})
    if not isinstance(columns, dict) or set(columns) - {"by", "label"}:
        check.fail("columns", "must be a mapping with by (and optionally label)")
    cells = data.get("cells", list(CELLS))
    if not isinstance(cells, list) or not cells or set(cells) - set(CELLS):
        check.fail("cells", "must list n, % or both")
    notes = data.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        check.fail("notes", "must be a list of texts")
    total_row = data.get("total_row", False)
    if not isinstance(total_row, bool):
        check.fail("total_row", "must be true or false")
    chart = data.get("chart")
    if chart is not None and chart not in {r.name for r in rows}:
        check.fail("chart", f"{chart!r} is not a row name of this table")
    return TableSpec(
        key=key, title=check.text(data, "title", ""), rows=rows,
        columns=column_dimensions(columns.get("by", ["all"]), rows, check),
        column_label=str(columns.get("label", "")),
        description=check.text(data, "description", "", required=False),
        counts=check.choice(data, "counts", COUNTS, "persons"),
        convention=check.choice(data, "convention", CONVENTIONS, "ctm"),
        cells=tuple(c for c in CELLS if c in cells), total_row=total_row, chart=chart,
        source=check.text(data, "source", "", required=False),
        notes=tuple(n.strip() for n in notes))


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(path.name, "(yaml)", str(exc).replace("\n", " ")) from exc


def load_specs(directory: Path = SPEC_DIR) -> dict[str, TableSpec]:
    """Every specification in *directory*, by key, in file-name order. Tables with their own
    rows are read first so that ``rows_from`` can name them."""
    raw = {p.name: _read(p) for p in sorted(directory.glob("*.yaml"))}
    specs: dict[str, TableSpec] = {}
    own = {f: d for f, d in raw.items() if not (isinstance(d, dict) and "rows_from" in d)}
    for file, data in own.items():
        spec = parse_spec(data, file)
        specs[spec.key] = spec
    rows_of = {k: s.rows for k, s in specs.items()}
    for file, data in raw.items():
        if file not in own:
            spec = parse_spec(data, file, rows_of)
            specs[spec.key] = spec
    return dict(sorted(specs.items(), key=lambda kv: list(raw).index(f"{kv[0]}.yaml")
                       if f"{kv[0]}.yaml" in raw else 0))


@cache
def shipped_specs() -> dict[str, TableSpec]:
    """The project's specifications (read once per process)."""
    return load_specs()


def get_spec(key: str) -> TableSpec:
    """The shipped specification *key*; ``KeyError`` if there is none."""
    return shipped_specs()[key]
