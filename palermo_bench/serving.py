"""Serving Palermo with gunicorn on a free local port and loading it with concurrent
keep-alive clients: the latencies behind the page figures of ``palermo bench``."""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from palermo_bench.figures import Figure


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(port: int, paths: str | list[str], cookie: str, requests: int,
         concurrency: int) -> list[float]:
    """Latencies (ms) of *requests* GETs spread over *concurrency* keep-alive connections;
    *paths* is one path or a list to cycle through (e.g. many case pages)."""
    if isinstance(paths, str):
        paths = [paths]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    per_thread = max(1, requests // concurrency)

    def worker(offset: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        try:
            for i in range(per_thread):
                path = paths[(offset * per_thread + i) % len(paths)]
                start = time.perf_counter()
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET {path} answered {response.status}")
                mine.append((time.perf_counter() - start) * 1000)
        except (OSError, RuntimeError, http.client.HTTPException) as exc:
            errors.append(str(exc))
        finally:
            conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"load test failed: {errors[0]}")
    return latencies


def _percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


def session_cookie(user) -> str:
    """A signed-in session for *user*, as a Cookie header value."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


@contextmanager
def served(workers: int) -> Iterator[int]:
    """gunicorn serving this install on a free local port, for the length of the block."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "palermo.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        env=os.environ.copy())
    try:
        _wait(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def page_figures(name: str, page: list[float], floor: list[float], note: str) -> list[Figure]:
    """The p50 and p95 figures of a page's latencies against the floor's (ms)."""
    return [Figure(f"{name} p50", _percentile(page, 50), _percentile(floor, 50), "ms", note),
            Figure(f"{name} p95", _percentile(page, 95), _percentile(floor, 95), "ms", note)]


def _wait(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on port {port}")
