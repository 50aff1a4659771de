"""Hostile and broken import files get a clear refusal or a correct import — never a
traceback, never an identity value in the output, and nothing written on a refusal.

The files come from ``tests/exchange/corpus.py`` (every family of mutation of one valid
sample: truncation, bad XML in XLSX parts, deep JSON, two encodings, files without a header,
formula cells, huge cells, confusable letters, separators …). By default each family is
tried once, alternately through ``palermo import-htcds`` and the API. The full run — each
family 40 times with other random choices, through both — is::

    PALERMO_IMPORT_CORPUS=all pytest tests/exchange/test_corpus.py -q

(``PALERMO_IMPORT_CORPUS=N`` for N rounds; ``PALERMO_IMPORT_CORPUS_SEED`` for another seed.)
"""

from __future__ import annotations

import io
import json
import logging
import os
import random
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.cases.models import Person
from palermo.exchange.models import QuarantinedRow
from tests.exchange.conftest import counts
from tests.exchange.corpus import FAMILIES, Mutant

SEED = os.environ.get("PALERMO_IMPORT_CORPUS_SEED", "13")
FULL = os.environ.get("PALERMO_IMPORT_CORPUS", "")


def cases() -> list[tuple[str, int, str]]:
    if not FULL:  # the bounded sample: each family once, channels taking turns
        return [(name, 0, ("cli", "api")[i % 2]) for i, name in enumerate(FAMILIES)]
    rounds = 40 if FULL == "all" else int(FULL)
    return [(name, r, channel) for r in range(rounds) for name in FAMILIES
            for channel in ("cli", "api")]


def make(name: str, round_: int) -> Mutant:
    mutant = FAMILIES[name](random.Random(f"{SEED}:{round_}:{name}"))
    return replace(mutant, name=f"{mutant.name}-{round_}")


def fragment(value: str) -> str:
    """What of an identity value must not be shown: its first six characters are enough
    to point at it (and catch the value cut short in a truncated file)."""
    return value[:6] if len(value) > 6 else value


def through_cli(mutant: Mutant, tmp_path) -> tuple[str, list[str], bool]:
    """The command's whole output, its problem lines, and whether it printed errors."""
    path = tmp_path / mutant.filename
    path.write_bytes(mutant.content)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_htcds", str(path), "--org", "NGO A", "--as", "fatima",
                     stdout=out, stderr=err)
        refused = ""
    except CommandError as exc:  # "Nothing was imported": exit status 1, no traceback
        assert exc.returncode == 1
        refused = str(exc)
    text = out.getvalue() + err.getvalue() + refused
    assert "Traceback" not in text
    lines = [line for line in out.getvalue().splitlines()
             if line.startswith(("ERROR", "WARNING"))]
    return text, lines, any(line.startswith("ERROR") for line in lines)


def through_api(mutant: Mutant, api_client) -> tuple[str, list[str], bool]:
    response = api_client("fatima").post(
        "/api/exchange/imports/htcds?dry_run=false",
        {"file": SimpleUploadedFile(mutant.filename, mutant.content)})
    assert response.status_code in (200, 422), response.status_code  # never a 500
    body = response.json()
    problems = body["problems"]
    return (response.content.decode("utf-8"),
            [f"{p['severity']} {p['reason']}" for p in problems],
            any(p["severity"] == "error" for p in problems))


@pytest.mark.parametrize(("family", "round_", "channel"), cases(),
                         ids=lambda v: str(v))
def test_a_mutated_file_is_refused_cleanly_or_imported_correctly(
        cast, api_client, tmp_path, caplog, family, round_, channel):
    mutant = make(family, round_)
    caplog.set_level(logging.DEBUG)
    before = counts()
    if channel == "cli":
        output, problems, errors = through_cli(mutant, tmp_path)
    else:
        output, problems, errors = through_api(mutant, api_client)
    imported = counts()[0] - before[0]

    shown = output + "\n".join(r.getMessage() for r in caplog.records)
    assert [v for v in mutant.identities if fragment(v) in shown] == [], \
        f"{mutant.name}: an identity value in the output"

    reasons = "\n".join(problems)
    if mutant.says:
        assert mutant.says in reasons, f"{mutant.name}: expected “{mutant.says}”"
    if imported == 0:
        assert counts() == before and not QuarantinedRow.objects.exists()
        assert errors, f"{mutant.name}: nothing imported, and no error said why"
        assert mutant.expect != "import", f"{mutant.name}: refused\n{reasons}"
        return
    assert mutant.expect != "refuse", f"{mutant.name}: imported {imported} rows\n{reasons}"
    assert not errors and imported <= mutant.rows
    # persons, cases and facts (the sample describes no trafficking event)
    assert counts()[:3] == tuple(n + imported for n in before[:3])
    if mutant.expect == "import":
        assert imported == mutant.rows
        stored = {p.given_name for p in Person.objects.all()}
        assert stored == set(mutant.names), f"{mutant.name}: names stored otherwise"


def test_the_corpus_is_deterministic_and_covers_what_issue_13_found():
    first = [make(name, 0) for name in FAMILIES]
    assert [m.content for m in first] == [make(name, 0).content for name in FAMILIES]
    for needed in ("xlsx_part_missing", "xlsx_part_garbage", "xlsx_shared_string_out_of_range",
                   "xlsx_no_sheet", "json_deeply_nested", "csv_without_header",
                   "json_named_csv", "csv_unclosed_quote", "csv_mixed_separators",
                   "csv_cut_mid_row", "csv_two_encodings", "json_huge_name",
                   "xlsx_huge_name", "csv_small_number_as_birth_date", "csv_impossible_time",
                   "xlsx_formula_without_result", "csv_formula_name",
                   "csv_confusable_duplicate"):
        assert needed in FAMILIES
    assert json.loads(make("valid_json", 0).content)["records"]
