"""Checking workers end with the import that forked them, even when it is killed (kill -9)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from palermo.exchange import rowcheck

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state and "\nState:\tX" not in state


def wait_for(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def written_pids(pids: Path) -> list[int]:
    return [int(p) for p in pids.read_text().split()] if pids.exists() else []


def stop(processes: list[int]) -> None:
    for pid in processes:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def importing_process(pids: Path) -> int:
    """Fork a process that starts two checking workers over a slow file, as an import does;
    each worker writes its pid to *pids*, then checks its chunk for a minute."""
    importer = os.fork()
    if importer:
        return importer
    try:  # the forked importing process: never returns into pytest
        def slow_worker_chunk(position):
            with pids.open("a") as out:
                out.write(f"{os.getpid()}\n")
            time.sleep(60)

        rowcheck._check_in_worker = slow_worker_chunk
        # The importer's own chunks take a while, so that the workers claim some.
        rowcheck.check_chunk = lambda job, chunk: time.sleep(0.2) or ([], [])
        rowcheck.casework.hold_reference_data = lambda: None
        chunks = [[(n, [])] for n in range(100)]
        for _result in rowcheck._map(None, chunks, workers=2):
            pass
    finally:
        os._exit(0)


def test_workers_exit_when_the_importing_process_is_killed(tmp_path):
    pids = tmp_path / "pids"
    importer = importing_process(pids)
    try:
        assert wait_for(lambda: pids.exists() and len(pids.read_text().split()) == 2, 20)
        workers = [int(p) for p in pids.read_text().split()]
        assert all(alive(p) for p in workers)
        os.kill(importer, signal.SIGKILL)
        os.waitpid(importer, 0)
        assert wait_for(lambda: not any(alive(p) for p in workers), 5), \
            "a checking worker outlived the killed import"
    finally:
        stop([importer, *written_pids(pids)])


def test_without_the_watch_a_worker_would_outlive_it(tmp_path, monkeypatch):
    """The test above fails if the workers do not watch their parent."""
    monkeypatch.setattr(rowcheck, "exit_with_parent", lambda parent: None)
    pids = tmp_path / "pids"
    importer = importing_process(pids)
    try:
        assert wait_for(lambda: pids.exists() and len(pids.read_text().split()) == 2, 20)
        workers = [int(p) for p in pids.read_text().split()]
        os.kill(importer, signal.SIGKILL)
        os.waitpid(importer, 0)
        assert not wait_for(lambda: not any(alive(p) for p in workers), 1.5)
    finally:
        stop(written_pids(pids))
