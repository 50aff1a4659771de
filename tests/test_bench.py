"""``palermo bench`` measures, on a scratch database, and prints ratios to its baselines."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, load_command_class

from palermo.cases.models import Person


def test_bench_prints_a_ratio_for_each_storage_measure(db, capsys):
    call_command("bench", "storage", persons=30, searches=5, no_pages=True)
    out = capsys.readouterr().out
    rows = dict(re.findall(r"^(register|read|search)\s+[\d.]+\s+[\d.]+\s+([\d.]+)x", out, re.M))
    assert set(rows) == {"register", "read", "search"}
    assert all(float(ratio) > 0 for ratio in rows.values())
    assert Person.objects.count() == 30  # the bench's own synthetic persons, in its database


def test_bench_refuses_a_database_with_data(cast):
    with pytest.raises(CommandError, match="empty scratch database"):
        call_command("bench", "storage", persons=5, no_pages=True)
    with pytest.raises(CommandError, match="empty scratch database"):
        call_command("bench", n=10)


def test_bench_data_is_the_default_suite(db, capsys):
    """Builds N facts, times the CTM tables against pandas and DuckDB (whose counts must
    agree with Palermo's), and reports each step's peak memory."""
    from palermo.cases.models import CaseFact

    call_command("bench", n=400)
    out = capsys.readouterr().out
    assert "400 synthetic case facts built" in out
    rows = dict(re.findall(r"^(ctm/pandas|ctm/duckdb)\s+[\d.]+\s+[\d.]+\s+([\d.]+)x", out,
                           re.M))
    assert set(rows) == {"ctm/pandas", "ctm/duckdb"}
    assert re.search(r"^  ctm_tables\s+\d+ MiB", out, re.M)
    assert "compared row by row" in out and ": identical" in out
    built = CaseFact.objects.exclude(organisation__name__startswith="Import bench")
    assert built.count() == 400
    assert built.values("person_key").distinct().count() < 400  # repeat persons


def test_bench_data_times_kanonymity_synthesis_and_the_htcds_import(db, capsys):
    """The exchange module's steps: k-anonymisation confirmed by pycanon, pac-synth on a
    sample, and the HTCDS import of a slice against a bare executemany."""
    from palermo.cases.models import CaseFact

    call_command("bench", n=300)
    out = capsys.readouterr().out
    for name in ("kanon/groupby", "synthesis/pass", "htcds-import/executemany"):
        assert re.search(rf"^{re.escape(name)}\s+[\d.]+\s+[\d.]+\s+[\d.]+x", out, re.M), name
    assert re.search(r"HTCDS import: 300 rows at [\d,]+ rows/s .* 300 imported, 0 errors", out)
    assert re.search(r"k-anonymity: [\d,]+ persons, k=11", out)
    imported = CaseFact.objects.filter(organisation__name__startswith="Import bench")
    assert imported.count() == 300


def test_bench_data_steps_can_be_added(db, monkeypatch):
    from palermo_bench import data as bench_data
    from palermo_bench.figures import Figure

    def extra(data):
        return [Figure("extra", 1.0, 2.0, "s", f"{data.n} rows")]

    monkeypatch.setattr(bench_data, "STEPS", [extra])
    steps = bench_data.collect_steps()
    assert steps[0] is extra
    data = bench_data.BenchData(n=3, organisation_ids=[], membership=None, folder=Path("."))
    ((step, figures, seconds, peak),) = bench_data.run(data, [extra])
    assert figures[0].ratio == 0.5 and figures[0].note == "3 rows" and peak > 0


def test_bench_cases_seeds_encrypted_cases_with_history_and_facts(cast):
    from django.db import connection

    from palermo.cases.models import Case, CaseFact
    from palermo_bench import cases as bench_cases

    ids = bench_cases.seed(cast.amina, 30, batch=7)
    assert len(ids) == 30 and Case.objects.count() == 30
    assert CaseFact.objects.count() == 30 and Person.objects.count() == 30
    assert Person.history.count() == 30 and Case.history.count() == 30
    assert Person.objects.matching("BENCH-00000007").get().given_name == "Bench7"
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM cases_person")
        assert all(v.startswith("v1.") for (v,) in cursor.fetchall())


def _bench_modules() -> list[str]:
    return [m for m in sys.modules if m == "palermo_bench" or m.startswith(
        ("palermo_bench.", "palermo.web.management.commands.bench"))]


@pytest.fixture
def without_duckdb(monkeypatch):
    """The ``bench`` command as on an install without the bench extra: ``import duckdb``
    fails, and the harness and the command shim are imported afresh (and forgotten after)."""
    monkeypatch.setitem(sys.modules, "duckdb", None)  # None in sys.modules: the import fails
    for name in _bench_modules():
        monkeypatch.delitem(sys.modules, name)
    yield type(load_command_class("palermo.web", "bench"))
    for name in _bench_modules():
        del sys.modules[name]  # then monkeypatch puts back the modules as they were


def test_bench_without_the_extra_says_how_to_install_it(without_duckdb):
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        without_duckdb(stderr=err).run_from_argv(["palermo", "bench", "--n", "2000"])
    assert stopped.value.code == 1
    assert "missing: duckdb" in err.getvalue()
    assert "Install it with: pip install -e '.[bench]'" in err.getvalue()
    with pytest.raises(CommandError, match=r"pip install -e '\.\[bench\]'"):
        call_command("bench")


def test_bench_with_the_extra_is_the_harness_command():
    from palermo_bench.command import Command

    assert isinstance(load_command_class("palermo.web", "bench"), Command)


def test_the_product_does_not_depend_on_duckdb():
    """``pip install -e .`` brings no DuckDB: it is required by the bench extra only."""
    from importlib.metadata import requires

    duckdb = [r for r in requires("palermo") if r.split(">")[0].split(";")[0].strip() == "duckdb"]
    assert duckdb and all('extra == "bench"' in r for r in duckdb)
