"""Fixtures of the exchange tests: files, and counts that must not move on a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from palermo.cases.models import Case, CaseFact, Person, TraffickingEvent

DATA = Path(__file__).parent / "data"


@pytest.fixture
def htcds_xlsx() -> bytes:
    """The published HTCDS spreadsheet template with four invented rows (build_fixtures.py)."""
    return (DATA / "htcds_template_filled.xlsx").read_bytes()


def counts() -> tuple[int, int, int, int]:
    """Persons, cases, facts, events: what an import writes."""
    return (Person.objects.count(), Case.objects.count(), CaseFact.objects.count(),
            TraffickingEvent.objects.count())


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")
