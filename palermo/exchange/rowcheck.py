"""Checking the data rows of an import file — here, or in worker processes (a core apiece,
but one left to the importing process).

Each row is read and validated (:func:`palermo.exchange.validation.read_row`), turned into a
record by the layout, checked by the case module's own rules (``prepare_people``,
``prepare_cases``), and its person's blind-index digests and the encryption of its identity
fields are computed and each record's row made (:func:`palermo.cases.writing.preseal`). None
of this needs the database, and a row does not depend on another; so a file of thousands of
rows is cut into chunks that forked worker processes check while the importing process does
what needs the database and the whole file: the duplicate check and the writing of the
chunks already checked. Whenever the chunk it needs next is not ready, the importing process
checks the next unclaimed chunk itself rather than wait (workers and importer claim chunks
from one shared counter), so the work balances itself whichever side is slower.

The workers are forked from the importing process (they inherit its settings, keyring, the
cached reference data and the active language) and refuse any database query: the
connection they inherited belongs to the parent. Where ``fork`` is unavailable, or the file
is small, the same function checks the rows here.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connections
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from palermo.cases import casework, services
from palermo.cases.writing import preseal
from palermo.core import crypto
from palermo.exchange.validation import Options, Problem, read_row

# Below this many rows, starting workers costs more than it saves.
PARALLEL_MIN_ROWS = 3000
CHUNK_ROWS = 2000


@dataclass
class Job:
    """What checking a row needs, the same for every chunk of one file."""

    membership: object
    layout: object
    header_map: object
    written: dict[str, str]
    options: Options


def iter_checked(job: Job, rows: list[tuple[int, list]],
                 progress: Callable[[int], None] | None = None
                 ) -> Iterator[tuple[list[Problem], list]]:
    """The problems and the valid records (checked, digested, encrypted ahead) of the
    non-empty *rows* ``(file row number, cells)``, chunk by chunk in file order. Workers
    go on checking the next chunks while the caller works on one (writes it, say).
    *progress* is called with the number of rows checked so far."""
    workers = _workers(len(rows))
    chunks = [rows[start:start + CHUNK_ROWS] for start in range(0, len(rows), CHUNK_ROWS)]
    done = 0
    for chunk, result in zip(chunks, _map(job, chunks, workers), strict=True):
        done += len(chunk)
        if progress:
            progress(done)
        yield result


def _workers(rows: int) -> int:
    """How many worker processes to fork (0: check here). One core is left to the
    importing process, which writes each chunk while the workers check the next."""
    if rows < PARALLEL_MIN_ROWS or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return max(0, min((os.cpu_count() or 1) - 1, 8, -(-rows // CHUNK_ROWS) - 1))


# The job and its chunks, for the forked workers (set before forking: a worker is sent
# nothing, it claims the position of its next chunk from a shared counter).
_job: Job | None = None
_chunks: list = []


def _map(job: Job, chunks: list, workers: int):
    """The result of each chunk, in order. The workers and this process share the work:
    each claims the next unchecked chunk from a shared counter; this process claims one
    whenever the result it needs next is not ready, instead of waiting for it."""
    global _job, _chunks
    if workers < 1:
        yield from (check_chunk(job, chunk) for chunk in chunks)
        return
    # The first chunk is checked here: that also loads what the checks cache (country
    # codes, choices …), which the forked workers then inherit instead of querying.
    first = check_chunk(job, chunks[0])
    context = multiprocessing.get_context("fork")
    claims, results = context.Value("i", 1), context.Queue()
    _job, _chunks = job, chunks
    processes = [context.Process(target=_work, args=(claims, results, os.getpid()),
                                 daemon=True)
                 for _ in range(workers)]
    try:
        for process in processes:
            process.start()
        yield first
        ready: dict[int, object] = {}
        for position in range(1, len(chunks)):
            while position not in ready:
                if _receive(results, ready):
                    continue
                mine = _claim(claims, len(chunks))
                if mine is not None:
                    ready[mine] = check_chunk(job, chunks[mine])
                elif not _receive(results, ready, wait=1.0) \
                        and not any(p.is_alive() for p in processes):
                    ready[position] = None  # its worker is gone: check it here
            result = ready.pop(position)
            if result is None:  # the worker needed the database (or failed): check it here
                yield check_chunk(job, chunks[position])
                continue
            if isinstance(result, _Shipped):
                result = result.unpack(job.membership)
            yield result
    finally:
        with claims.get_lock():
            claims.value = len(chunks)  # nothing more to claim
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        _job, _chunks = None, []


def _receive(results, ready: dict, wait: float = 0.0) -> bool:
    """Move a worker's result, if one comes within *wait* seconds, into *ready*."""
    try:
        done, result = results.get(timeout=wait) if wait else results.get_nowait()
    except queue.Empty:
        return False
    ready[done] = result
    return True


def _claim(claims, total: int) -> int | None:
    with claims.get_lock():
        position = claims.value
        if position >= total:
            return None
        claims.value = position + 1
        return position


class _NeedsDatabase(Exception):
    pass


def exit_with_parent(parent: int) -> None:
    """Make this (forked) process end when the process *parent* ends, however it ends —
    ``kill -9`` included, which runs no clean-up in the parent. On Linux the kernel sends
    SIGKILL (``PR_SET_PDEATHSIG``); elsewhere, and in case the parent died before that was
    set, a thread looks every half second whether the parent is still there."""
    import signal
    import threading
    import time

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the thread below does it
        pass

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _work(claims, results, parent: int) -> None:
    """A worker process: check chunks until none is left, sending each result back."""
    exit_with_parent(parent)

    def refuse(*_args, **_kwargs):
        raise _NeedsDatabase("import workers do not use the database (the connection they "
                             "inherited belongs to the importing process)")
    for connection in connections.all():
        connection.execute_wrappers.append(refuse)
    casework.hold_reference_data()  # as read by the first chunk, however long this takes
    while (position := _claim(claims, len(_chunks))) is not None:
        results.put((position, _check_in_worker(position)))


class _Shipped:
    """A worker's result as it travels: the checked person and case as their field values
    (a model instance pickles many times slower than a dict of its values)."""

    def __init__(self, problems: list[Problem], records: list):
        for record in records:
            record.prepared = tuple(_values(instance) for instance in record.prepared)
        self.problems, self.records = problems, records

    def unpack(self, membership) -> tuple[list[Problem], list]:
        for record in self.records:
            record.prepared = tuple(_instance(*item) for item in record.prepared)
        _cache_related(membership, self.records)
        return self.problems, self.records


def _check_in_worker(position: int) -> _Shipped | None:
    assert _job is not None
    try:
        with crypto.pinned_keyring():
            return _Shipped(*check_chunk(_job, _chunks[position]))
    except Exception:  # noqa: BLE001 — the importing process checks the chunk again and
        return None    # reports what went wrong (a query refused here, or any error)


def _values(instance) -> tuple:
    # A model instance pickles many times slower than a dict of its values; related
    # objects cached on it (the organisation, the user) would travel once per record.
    values = dict(instance.__dict__)
    del values["_state"]
    return type(instance), values


def _instance(model, values: dict):
    instance = model.__new__(model)
    instance.__dict__.update(values)
    instance._state = ModelState()
    return instance


def _cache_related(membership, records: list) -> None:
    # What new_records cached on the records in the worker: the acting organisation and user.
    plans: dict[type, list] = {}
    for record in records:
        for instance in record.prepared:
            model = type(instance)
            plan = plans.get(model)
            if plan is None:
                names = {f.name: f for f in model._meta.concrete_fields}
                plan = plans[model] = [
                    (names[name].attname, value.pk, names[name].cache_name, value)
                    for name, value in (("organisation", membership.organisation),
                                        ("registered_by", membership.user)) if name in names]
            cache = instance._state.fields_cache
            values = instance.__dict__
            for attname, pk, cache_name, value in plan:
                if values.get(attname) == pk:
                    cache[cache_name] = value


def check_chunk(job: Job, rows: list[tuple[int, list]]) -> tuple[list[Problem], list]:
    """Check some rows: the problems found, and the records that have none."""
    problems: list[Problem] = []
    records = []
    for number, values in rows:
        cells, found = read_row(number, values, job.header_map, job.options)
        if not any(p.severity == "error" for p in found):
            record, more = job.layout.to_record(number, cells, job.written)
            found += more
            if record is not None and not any(p.severity == "error" for p in more):
                records.append(record)
        problems += found
    records = _without_errors(records, problems)
    problems += model_checks(job.membership, records, job.layout, job.written)
    records = _without_errors(records, problems)
    persons = [r.prepared[0] for r in records]
    services.identity_digests(persons)
    preseal(persons)
    preseal([r.prepared[1] for r in records], later=casework.WRITTEN_LATER)
    return problems, records


def _without_errors(records: list, problems: list[Problem]) -> list:
    bad = {p.row for p in problems if p.severity == "error"}
    return [r for r in records if r.row not in bad] if bad else records


def model_checks(membership, records: list, layout, written: dict[str, str]) -> list[Problem]:
    """The case module's own rules for each record (a closed case needs a reason …); the
    checked, unsaved person and case are kept on the record for writing."""
    persons, person_errors = services.prepare_people(membership, [r.person for r in records])
    cases, case_errors = casework.prepare_cases(membership, [(None, r.case) for r in records])
    problems = []
    for kind, errors in (("person", person_errors), ("case", case_errors)):
        for position, fields in errors.items():
            for name, messages in fields.items():
                header = header_for(f"{kind}.{name}", layout, written)
                value = getattr(records[position], kind).get(name)
                problems += [Problem(records[position].row, header, _withheld(str(m), value))
                             for m in messages]
    for record, person, case in zip(records, persons, cases, strict=True):
        record.prepared = (person, case)
    return problems


def _withheld(message: str, value) -> str:
    # A model rule's message may quote the value ("Not an allowed value: …"): never a cell.
    if value in (None, "", []) or str(value) not in message:
        return message
    return message.replace(str(value), _("(value withheld)"))


def header_for(target: str, layout, written: dict[str, str]) -> str:
    """The header as written of the column that fills *target* (or the target itself)."""
    for column in layout.columns:
        if column.target == target and column.key in written:
            return written[column.key]
    return target.split(".", 1)[1]
