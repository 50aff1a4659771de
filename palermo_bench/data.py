"""``palermo bench data``: N synthetic CaseFact rows, and each step's time against baselines.

The data suite builds N fact rows with numpy (realistic spreads: mostly women, ages around
24, a few persons assisted twice, missing values and refusals) and inserts them with a bare
``executemany`` in chunks, so a million rows fit easily in memory. Then each **step** runs and
returns :class:`palermo_bench.figures.Figure` rows (Palermo's time and a baseline's on the same
data).

Adding a step (docs/benchmarks.md): write ``def my_step(data: BenchData) -> list[Figure]`` in
a module ``palermo_bench/<app>_steps.py`` with ``STEPS = [my_step]`` and name the module in
:data:`STEP_MODULES`. :func:`collect_steps` runs this module's steps first, then those of each
module in that order. Each step's peak memory is measured around it.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import os
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from palermo.cases.facts import CaseFact
from palermo_bench import baselines
from palermo_bench.figures import Figure

CHUNK = 50_000

GENDERS = (["Feminine", "Masculine", "TransgenderFeminine", "NonConforming", "", "Unknown"],
           [0.78, 0.19, 0.004, 0.002, 0.01, 0.014])
EDUCATION = (["PrimaryEducation", "LowerSecondaryEducation", "UpperSecondaryEducation",
              "PostSecondaryNonTertiaryEducation", "BachelorsOrEquivalentLevel",
              "EarlyChildhoodEducation", "", "Unknown", "DeclinedToAnswer"],
             [0.18, 0.2, 0.17, 0.08, 0.05, 0.04, 0.2, 0.06, 0.02])
RELATIONSHIPS = (["Familial", "Acquainted", "Unaquainted", "", "Unknown", "DeclinedToAnswer"],
                 [0.12, 0.45, 0.2, 0.15, 0.05, 0.03])
TYPES = (["transnational", "in_country", "", "Unknown"], [0.7, 0.2, 0.07, 0.03])
EXPLOITATION = ([["SexualExploitation"], ["ForcedLabour"], ["ForcedLabour", "SexualExploitation"],
                 ["ForcedBegging"], ["Servitude"], ["ForcedMarriage"], ["Unknown"], []],
                [0.45, 0.3, 0.06, 0.04, 0.04, 0.02, 0.05, 0.04])
CATEGORIES = (["victim", "possible_victim", "other_migrant"], [0.8, 0.15, 0.05])
# How the cases entered Palermo: mostly entered by hand, some imported or from forms.
DATA_SOURCES = (["casework", "htcds_import", "template_import", "form"],
                [0.8, 0.1, 0.07, 0.03])
# Frequent countries of origin and of exploitation (the rest spread thinly over all others).
ORIGINS = ["UKR", "MDA", "KGZ", "UZB", "NGA", "ROU", "BGD", "IDN", "PHL", "ALB", "KHM", "ETH"]
DESTINATIONS = ["RUS", "TUR", "ITA", "ARE", "THA", "DEU", "KAZ", "SAU", "MYS", "ESP", "GBR"]


@dataclass
class BenchData:
    """What a step gets: the size, the organisations, a scratch folder, and helpers."""

    n: int
    organisation_ids: list[int]
    membership: object
    folder: Path
    notes: list[str] = field(default_factory=list)
    _csv: Path | None = None

    def facts_csv(self) -> Path:
        """The facts exported once as CSV (the pandas and DuckDB baselines read it)."""
        if self._csv is None:
            self._csv = self.folder / "facts.csv"
            export_csv(self._csv)
        return self._csv


Step = Callable[[BenchData], list[Figure]]

# The bench's facts have no case behind them: their case keys lie far above any case id, so a
# step that creates real cases (the HTCDS import) cannot collide with them.
FACT_KEY_OFFSET = 10**12


def _choice(rng, options, n):
    values, weights = options
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=weights)]


def _countries(rng, frequent: list[str], everything: list[str], n: int, missing: float):
    pick_frequent = rng.random(n) < 0.8
    out = np.where(pick_frequent,
                   np.asarray(frequent, dtype=object)[rng.integers(0, len(frequent), n)],
                   np.asarray(everything, dtype=object)[rng.integers(0, len(everything), n)])
    out[rng.random(n) < missing] = ""
    return out


def _chunk(rng, start: int, n: int, total: int, orgs: list[int], regions: dict) -> list[tuple]:
    """*n* fact rows as tuples in :func:`columns` order; persons numbered up to *total*."""
    import json

    everything = list(regions)
    person = np.arange(start, start + n)
    again = rng.random(n) < 0.06  # assisted before: an earlier person's key
    person[again] = rng.integers(0, max(start + 1, 1), again.sum())
    year = np.clip(rng.normal(2016, 6, n).round(), 2000, 2025).astype(int)
    day = rng.integers(0, 365, n)
    age = np.clip(rng.normal(24, 8, n).round(), 6, 75).astype(int).astype(object)
    age[rng.random(n) < 0.03] = None
    origin = _countries(rng, ORIGINS, everything, n, 0.02)
    destination = _countries(rng, DESTINATIONS, everything, n, 0.05)
    exploitation = _choice(rng, ([json.dumps(v) for v in EXPLOITATION[0]], EXPLOITATION[1]), n)
    gender = _choice(rng, GENDERS, n)
    education = _choice(rng, EDUCATION, n)
    relationship = _choice(rng, RELATIONSHIPS, n)
    kind = _choice(rng, TYPES, n)
    category = _choice(rng, CATEGORIES, n)
    org = np.asarray(orgs)[rng.integers(0, len(orgs), n)]
    source = _choice(rng, DATA_SOURCES, n)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = []
    for i in range(n):
        o, d = origin[i], destination[i]
        opened = dt.date(int(year[i]), 1, 1) + dt.timedelta(days=int(day[i]))
        rows.append((FACT_KEY_OFFSET + start + i, f"{int(person[i]):032x}", int(org[i]),
                     int(year[i]), opened,
                     "Active", category[i], source[i], gender[i], age[i], o, education[i], o,
                     regions[o][0] if o else "", d, regions[d][1] if d else "",
                     f'["{d}"]' if d else "[]", kind[i], "", "", exploitation[i], "[]", "[]",
                     "[]", "[]", relationship[i], None, "", "[]", bool(again[i]), now))
    return rows


def columns() -> list[str]:
    """The CaseFact columns the synthetic rows fill, in tuple order."""
    names = ["case_key", "person_key", "organisation", "year", "opened_on", "status",
             "client_category", "data_source", "gender", "age", "citizenship", "education",
             "origin_country", "origin_region", "destination_country", "destination_region",
             "exploitation_countries", "trafficking_type", "trafficking_status",
             "identifying_agency", "exploitation_types", "means_of_control",
             "forced_labour_industries", "sexual_exploitation_types", "recruitment_methods",
             "recruiter_relationship", "exploitation_months", "knew_risks",
             "awareness_sources", "is_retrafficked", "updated"]
    return [CaseFact._meta.get_field(name).column for name in names]


def seed_facts(n: int, organisation_ids: list[int], *, seed: int = 6,
               progress: Callable[[int], None] | None = None) -> None:
    """Insert *n* synthetic fact rows with a bare ``executemany``, *CHUNK* rows at a time."""
    from django.db import connection, transaction

    from palermo.core.models import Country

    regions = {code: (o, d) for code, o, d in Country.objects.values_list(
        "code", "origin_region__code", "destination_region__code")}
    rng = np.random.default_rng(seed)
    names = columns()
    sql = (f"INSERT INTO {CaseFact._meta.db_table} ({', '.join(names)}) "
           f"VALUES ({', '.join(['%s'] * len(names))})")
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, n, CHUNK):
            size = min(CHUNK, n - start)
            cursor.executemany(sql, _chunk(rng, start, size, n, organisation_ids, regions))
            if progress:
                progress(size)


EXPORT_FIELDS = ["person_key", "organisation_id", "year", "opened_on", "client_category",
                 "gender", "age", "education", "origin_region", "destination_region",
                 "recruiter_relationship", "trafficking_type", "exploitation_types"]


def export_csv(path: Path) -> int:
    """Write the facts' table columns to *path* as CSV (the baselines' starting point)."""
    from django.db import connection

    with connection.cursor() as cursor, path.open("w", newline="", encoding="utf-8") as out:
        cursor.execute(f"SELECT {', '.join(EXPORT_FIELDS)} FROM {CaseFact._meta.db_table}")
        writer = csv.writer(out)
        writer.writerow(EXPORT_FIELDS)
        rows = 0
        while chunk := cursor.fetchmany(100_000):
            writer.writerows(chunk)
            rows += len(chunk)
    return rows


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def ctm_tables(data: BenchData) -> list[Figure]:
    """The full CTM table set (both tables as printed, suppressed as an analyst receives
    them: Regions of Origin protected together with every other grouping of the same rows,
    the fixed table set) vs the pandas route (CSV export + read_csv + crosstabs) and DuckDB
    over the same exported facts."""
    from palermo.analytics.publication import publish_tables
    from palermo.analytics.specs import shipped_specs

    specs = [s for k, s in shipped_specs().items() if k.startswith("ctm_")]

    def palermo():
        return [p.table for p in publish_tables(specs, scope_orgs=None, real_counts=False)]

    ours, tables = _timed(palermo)
    export_time, _ = _timed(data.facts_csv)
    pandas_time, pandas_counts = _timed(lambda: baselines.pandas_counts(data.facts_csv(),
                                                                        specs))
    duck_time, duck_counts = _timed(lambda: baselines.duckdb_counts(data.facts_csv(), specs))
    mine = baselines.table_counts(tables)
    agree = True
    for name, theirs in (("pandas", pandas_counts), ("DuckDB", duck_counts)):
        if theirs != mine:
            agree = False
            differing = sorted(k for k in mine if mine.get(k) != theirs.get(k))[:3]
            data.notes.append(f"WARNING: {name} counts differ from Palermo's: {differing}")
    data.notes.append(f"CTM tables: Palermo's, pandas' and DuckDB's counts compared row by "
                      f"row ({len(mine)} rows): {'identical' if agree else 'DIFFERENT'}")
    pandas_route = export_time + pandas_time
    return [
        Figure("ctm/pandas", ours, pandas_route, "s",
               f"CTM table set vs CSV export ({export_time:.1f} s) + read_csv + crosstabs"),
        Figure("ctm/duckdb", ours, duck_time, "s",
               "CTM table set vs DuckDB read_csv + GROUP BY over the exported facts"),
    ]


STEPS: list[Step] = [ctm_tables]
# The modules whose ``STEPS`` run after these, in this order (the HTCDS import, which adds
# cases, runs last).
STEP_MODULES = ["palermo_bench.learning_steps", "palermo_bench.exchange_steps"]


def collect_steps() -> list[Step]:
    """This module's steps, then ``STEPS`` of every module in :data:`STEP_MODULES`."""
    steps = list(STEPS)
    for name in STEP_MODULES:
        steps.extend(importlib.import_module(name).STEPS)
    return steps


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (MiB); resettable per step on Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Reset the peak-memory mark (Linux ``clear_refs``); False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def run(data: BenchData, steps: list[Step] | None = None
        ) -> list[tuple[Step, list[Figure], float, float]]:
    """Run *steps* (default: every collected step): (step, figures, seconds, peak MiB)."""
    results = []
    for step in steps or collect_steps():
        reset_peak()
        seconds, figures = _timed(lambda step=step: step(data))
        results.append((step, figures, seconds, peak_rss_mib()))
    return results


def scratch_folder() -> Path:
    """A temporary folder for the bench's files (inside the bench's data directory)."""
    base = os.environ.get("PALERMO_DATA_DIR") or None
    return Path(tempfile.mkdtemp(prefix="bench-data-", dir=base))
