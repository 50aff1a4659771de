"""Fixtures of the exchange tests: files, and counts that must not move on a refusal."""

from __future__ import annotations

import re
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


CIPHERTEXT = re.compile(r"^v1\.[A-Za-z0-9_-]{1,16}\.[A-Za-z0-9_-]+$")


def assert_ciphertext_only(values, plaintexts) -> None:
    """Every stored value is empty or a field ciphertext, and none is one of *plaintexts*.
    (Looking for a plaintext *inside* the stored text would fail now and then: a short name
    turns up in random base64.)"""
    stored = [v for v in values if v not in (None, "")]
    assert stored, "nothing stored"
    assert [v for v in stored if not CIPHERTEXT.match(str(v))] == []
    assert not set(map(str, stored)) & set(plaintexts)
