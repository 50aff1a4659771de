"""``palermo bench`` measures, on a scratch database, and prints ratios to its baselines."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command

from palermo.cases.models import Person


def test_bench_prints_a_ratio_for_each_storage_measure(db, capsys):
    call_command("bench", persons=30, searches=5, no_pages=True)
    out = capsys.readouterr().out
    rows = dict(re.findall(r"^(register|read|search)\s+[\d.]+\s+[\d.]+\s+([\d.]+)x", out, re.M))
    assert set(rows) == {"register", "read", "search"}
    assert all(float(ratio) > 0 for ratio in rows.values())
    assert Person.objects.count() == 30  # the bench's own synthetic persons, in its database


def test_bench_refuses_a_database_with_data(cast):
    with pytest.raises(CommandError, match="empty scratch database"):
        call_command("bench", persons=5, no_pages=True)


def test_bench_cases_seeds_encrypted_cases_with_history_and_facts(cast):
    from django.db import connection

    from palermo import bench_cases
    from palermo.cases.models import Case, CaseFact

    ids = bench_cases.seed(cast.amina, 30, batch=7)
    assert len(ids) == 30 and Case.objects.count() == 30
    assert CaseFact.objects.count() == 30 and Person.objects.count() == 30
    assert Person.history.count() == 30 and Case.history.count() == 30
    assert Person.objects.matching("BENCH-00000007").get().given_name == "Bench7"
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM cases_person")
        assert all(v.startswith("v1.") for (v,) in cursor.fetchall())
