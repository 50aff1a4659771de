"""Large files are checked in worker processes: the same report and the same stored rows as
checking them in the importing process, and nothing changes for the people involved."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.db import connection

from palermo.cases.models import Case, CaseFact, Person
from palermo.exchange import rowcheck
from palermo.exchange.htcds import import_htcds
from palermo.exchange.models import ImportBatch, QuarantinedRow
from palermo_bench.htcds_import import as_csv, synthetic_rows
from tests.exchange.conftest import assert_ciphertext_only, counts

pytestmark = pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(),
    reason="worker processes are forked")


@pytest.fixture
def small_chunks(monkeypatch):
    """Workers for a file of a few dozen rows, in chunks of seven."""
    monkeypatch.setattr(rowcheck, "PARALLEL_MIN_ROWS", 10)
    monkeypatch.setattr(rowcheck, "CHUNK_ROWS", 7)


def _file(owner: str) -> bytes:
    rows = synthetic_rows(40, owner)
    rows[3][4] = "Dragon"                       # prs_Gender: not on the picklist
    rows[17][14] = "31/02/2024"                 # cas_IncomingReferralDate: no such day
    rows[30][7] = rows[29][7]                   # prs_IdentityNumber: same person as row 31
    return as_csv(rows)


def _report(report) -> list[tuple]:
    return [(p.row, p.field, p.reason, p.severity) for p in report.problems]


def test_workers_report_exactly_what_one_process_reports(cast, small_chunks, monkeypatch):
    content = _file(cast.fatima.user.get_username())
    in_workers = import_htcds(cast.fatima, content, "big.csv", dry_run=True)
    monkeypatch.setattr(rowcheck, "PARALLEL_MIN_ROWS", 10**9)
    here = import_htcds(cast.fatima, content, "big.csv", dry_run=True)
    assert _report(in_workers) == _report(here)
    assert in_workers.rows == 40 and in_workers.valid == 37
    assert {p.row for p in in_workers.errors} == {5, 19, 32}  # file rows (header is row 1)
    assert [p.field for p in in_workers.errors if p.row == 5] == ["prs_Gender"]
    assert "row 31" in [p for p in in_workers.errors if p.row == 32][0].reason


def test_rows_checked_in_workers_are_stored_encrypted_with_history_and_facts(
        cast, small_chunks):
    rows = synthetic_rows(30, cast.fatima.user.get_username())
    report = import_htcds(cast.fatima, as_csv(rows), "big.csv")
    assert report.errors == [] and report.imported == 30
    assert counts()[:3] == (30, 30, 30) and Person.history.count() == 30
    last = next(p for p in Person.objects.all() if p.identity_number == "BENCH-00000029")
    assert last.given_name == rows[29][1] and last.phone == "+000 00000029"
    assert Case.objects.get(person=last).organisation == cast.fatima.organisation
    assert CaseFact.objects.filter(organisation_id=cast.fatima.organisation_id).count() == 30
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name, phone, identity_number FROM cases_person")
        stored = [v for row in cursor.fetchall() for v in row]
        cursor.execute("SELECT given_name, identity_number FROM cases_historicalperson")
        stored += [v for row in cursor.fetchall() for v in row]
    assert_ciphertext_only(stored, (rows[29][1], "+000 00000029", "BENCH-00000029"))
    history = last.history.get()
    assert (history.history_type, history.given_name) == ("+", rows[29][1])


def test_a_value_changed_after_it_was_encrypted_ahead_is_encrypted_again(cast):
    from palermo.cases import services
    from palermo.cases.writing import preseal

    persons, errors = services.prepare_people(cast.fatima, [
        {"given_name": "Ahead", "family_name": "Of Time", "gender": "Feminine",
         "birth_date": dt.date(1990, 1, 2)}])
    assert errors == {}
    preseal(persons)
    persons[0].given_name = "Changed"
    services.register_people_bulk(cast.fatima, persons)
    stored = Person.objects.get(pk=persons[0].pk)
    assert stored.given_name == "Changed" and stored.history.get().given_name == "Changed"


def test_a_person_changed_after_it_was_made_ready_is_written_and_found_by_its_new_values(
        cast):
    from palermo.cases import services
    from palermo.cases.writing import preseal

    persons, errors = services.prepare_people(cast.fatima, [
        {"given_name": "Ready", "family_name": "Early", "gender": "Feminine",
         "identity_number": "OLD-1", "birth_date": dt.date(1990, 1, 2)}])
    assert errors == {}
    services.identity_digests(persons)
    preseal(persons)
    persons[0].identity_number = "NEW-2"
    services.register_people_bulk(cast.fatima, persons)
    stored = Person.objects.get(pk=persons[0].pk)
    assert stored.identity_number == "NEW-2"
    assert Person.objects.filter(identity_number_index=Person._meta.get_field(
        "identity_number_index").digest_for("NEW-2")).get() == stored
    assert stored.history.get().identity_number == "NEW-2"


def test_a_worker_that_needs_the_database_leaves_its_chunk_to_the_importer(
        cast, small_chunks, monkeypatch):
    checked_here = []
    original = rowcheck.check_chunk

    def querying(job, rows):
        Person.objects.exists()  # refused in a worker: the chunk comes back unchecked
        checked_here.append(rows[0][0])
        return original(job, rows)

    monkeypatch.setattr(rowcheck, "check_chunk", querying)
    report = import_htcds(cast.fatima, as_csv(synthetic_rows(
        21, cast.fatima.user.get_username())), "big.csv")
    assert report.errors == [] and report.imported == 21
    # every chunk checked here (this process may take up a chunk while a worker's failed)
    assert sorted(checked_here) == [2, 9, 16]


def _checks_here(monkeypatch, *, pause_here: float = 0.0, pause_in_worker: float = 0.0
                 ) -> list[int]:
    """The first file row of each chunk checked by the importing process (not a worker),
    recorded as the chunks are checked; each side pausing as given after a chunk."""
    importer, checked_here = os.getpid(), []
    original = rowcheck.check_chunk

    def recording(job, rows):
        if os.getpid() == importer:
            checked_here.append(rows[0][0])
            time.sleep(pause_here)
        else:
            time.sleep(pause_in_worker)
        return original(job, rows)

    monkeypatch.setattr(rowcheck, "check_chunk", recording)
    return checked_here


def test_the_importing_process_checks_chunks_itself_while_the_worker_is_behind(
        cast, small_chunks, monkeypatch):
    checked_here = _checks_here(monkeypatch, pause_in_worker=0.5)
    monkeypatch.setattr(rowcheck.os, "cpu_count", lambda: 2)  # one worker
    content = _file(cast.fatima.user.get_username())
    shared = import_htcds(cast.fatima, content, "big.csv", dry_run=True)
    monkeypatch.setattr(rowcheck, "PARALLEL_MIN_ROWS", 10**9)
    alone = import_htcds(cast.fatima, content, "big.csv", dry_run=True)
    assert _report(shared) == _report(alone) and shared.valid == 37
    # the first chunk, and more while the worker slept (the checking here of the second
    # run adds all six chunks again)
    assert 2 < len(checked_here) - 6 < 6


def test_workers_keep_the_reference_data_of_the_start_however_long_the_import_takes(
        cast, small_chunks, monkeypatch):
    from palermo.cases.models import case as case_models

    checked_here = _checks_here(monkeypatch, pause_here=0.3)  # time for the worker
    # As if the import had run past the age after which the country codes are read again:
    # a worker may not read them (no database), it keeps those of the start.
    monkeypatch.setattr(case_models, "CODES_MAX_AGE", -1.0)
    report = import_htcds(cast.fatima, as_csv(synthetic_rows(
        40, cast.fatima.user.get_username())), "big.csv")
    assert report.errors == [] and report.imported == 40
    assert len(checked_here) < 6  # not every chunk came back to the importing process


def test_an_error_in_a_late_chunk_undoes_the_chunks_already_written(cast, small_chunks):
    rows = synthetic_rows(40, cast.fatima.user.get_username())
    rows[36][4] = "Dragon"  # file row 38: five chunks were written before it was checked
    before = counts()
    report = import_htcds(cast.fatima, as_csv(rows), "big.csv")
    assert report.imported == 0 and [p.row for p in report.errors] == [38]
    assert counts() == before and not Person.history.exists()
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert (batch.status, batch.imported, batch.errors) == ("refused", 0, 1)


def test_quarantine_keeps_the_written_chunks_and_sets_aside_the_bad_rows(cast, small_chunks):
    rows = synthetic_rows(40, cast.fatima.user.get_username())
    rows[2][4] = rows[36][4] = "Dragon"  # file rows 4 and 38
    report = import_htcds(cast.fatima, as_csv(rows), "big.csv", quarantine=True)
    assert (report.imported, report.quarantined) == (38, 2)
    assert counts()[:3] == (38, 38, 38)
    assert sorted(QuarantinedRow.objects.values_list("row", flat=True)) == [4, 38]


def test_a_person_repeated_in_a_later_chunk_is_named_by_row_not_as_registered(
        cast, small_chunks):
    rows = synthetic_rows(40, cast.fatima.user.get_username())
    rows[33][7] = rows[1][7]  # file row 35 has row 3's identity number
    report = import_htcds(cast.fatima, as_csv(rows), "big.csv")
    assert [(p.row, p.reason) for p in report.problems] == [
        (35, "The same person as row 3 (same name and birth date, or same identity "
             "number).")]
    assert report.imported == 0 and counts()[0] == 0
