"""The release log and the persisted privacy-budget ledger; analytics reads CaseFact only."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from palermo.analytics.models import PrivacyBudgetLedger, Release
from palermo.analytics.releases import record_release, spend_budget
from palermo.disclosure import BudgetExhausted


def test_record_release_keeps_who_what_how_and_the_hash(cast):
    release = record_release(content=b"a,b\n1,2\n", spec="ctdc_synthetic",
                             method=Release.Method.SYNTHETIC, channel="file",
                             membership=cast.chen, parameters={"epsilon": 0.5},
                             row_count=1, epsilon=0.5, dataset="facts")
    release.refresh_from_db()
    assert (release.user, release.organisation, release.method) == (
        cast.chen.user, cast.hq, "synthetic")
    assert release.sha256 == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert release.epsilon == 0.5 and release.row_count == 1 and release.created


def test_budget_ledger_refuses_an_over_budget_release(db):
    spend_budget("facts", 0.4, total_epsilon=1.0)
    ledger = spend_budget("facts", 0.6)
    assert ledger.spent_epsilon == pytest.approx(1.0) and ledger.remaining == 0
    with pytest.raises(BudgetExhausted):
        spend_budget("facts", 0.1)
    assert PrivacyBudgetLedger.objects.get(dataset="facts").spent_epsilon == pytest.approx(1.0)


def test_budget_default_total_from_the_setting(db, monkeypatch):
    monkeypatch.setenv("PALERMO_PRIVACY_BUDGET", "2.5")
    assert spend_budget("other", 1.0).total_epsilon == 2.5
    monkeypatch.setenv("PALERMO_PRIVACY_BUDGET", "lots")
    with pytest.raises(ValueError, match="PALERMO_PRIVACY_BUDGET='lots'"):
        spend_budget("third", 1.0)


def test_analytics_imports_nothing_from_cases_but_casefact():
    """Only CaseFact (and its vocabulary of data sources, for the filter), and only through
    ``palermo.cases.facts``, the door out of cases."""
    root = Path(__file__).resolve().parents[2] / "palermo"
    files = list((root / "analytics").rglob("*.py")) + [
        root / "api" / "analytics.py", root / "web" / "views" / "analytics.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "palermo.cases"):
                assert node.module == "palermo.cases.facts", path
                assert {a.name for a in node.names} <= {"CaseFact", "DATA_SOURCES"}, path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("palermo.cases") for a in node.names), path


def test_threshold_setting(monkeypatch):
    from palermo.analytics.publication import threshold

    assert threshold() == 10
    monkeypatch.setenv("PALERMO_SUPPRESSION_THRESHOLD", "5")
    assert threshold() == 5
    monkeypatch.setenv("PALERMO_SUPPRESSION_THRESHOLD", "ten")
    with pytest.raises(ValueError, match="PALERMO_SUPPRESSION_THRESHOLD='ten'"):
        threshold()


def test_a_higher_threshold_hides_more(mixed_facts, monkeypatch):
    from palermo.analytics.publication import publish
    from palermo.analytics.specs import get_spec
    from palermo.analytics.tables import build_table

    table = build_table(get_spec("ctm_full_sample"))
    monkeypatch.setenv("PALERMO_SUPPRESSION_THRESHOLD", "20")
    published = publish(table, real_counts=False)
    counts = [c.n for b in published.blocks for r in b.rows for c in r.cells]
    assert not [n for n in counts if n is not None and 1 <= n <= 20]
    assert "counts from 1 to 20" in published.notes[-1]
