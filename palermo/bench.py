"""``palermo bench``: Palermo's speed as ratios against baselines measured in the same run.

Each measurement times Palermo's way and a bare baseline on the same data, on the same
machine, one after the other, so the ratio says what Palermo's layers cost and not how fast
the machine is. It runs on a scratch database in a temporary data directory, never on an
install's data.

Measurements:

* **register** — registering N persons through ``register_person`` (access check, AES-GCM of
  every identity field, four blind indexes, a history row, one transaction) against a bare
  ``executemany`` of the same plaintext rows into a scratch table.
* **read** — loading the N persons with every identity field decrypted against reading the
  same scratch rows with a cursor.
* **search** — exact-match searches through the blind indexes against an indexed equality
  lookup on the scratch table's plaintext name.
* **page** — the persons page (50 decrypted rows, session, access policy) under concurrent
  load through gunicorn, p50 and p95, against ``/api/health`` (Django's request cycle and one
  query: the floor of any page).
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

SCRATCH = "bench_plain_person"


@dataclass
class Figure:
    name: str
    palermo: float
    baseline: float
    unit: str
    note: str

    @property
    def ratio(self) -> float:
        return self.palermo / self.baseline if self.baseline else float("inf")


def scratch_member(username: str, organisation, role: str):
    """A member of *role* on the bench's scratch database, granted and confirmed through
    the two-person path like anyone's: the command line grants, and a scratch administrator
    (the database's first, or the one an earlier run made) confirms."""
    from palermo.core import access, grants
    from palermo.core.models import AccessLog, Membership, Organisation, Role, User

    cli = AccessLog.Channel.CLI
    headquarters, _ = Organisation.objects.get_or_create(
        name="Bench headquarters", defaults={"type": "InternationalOrganisation"})
    admin = Membership.objects.filter(user__username="bench-admin").first()
    if admin is None:
        admin = grants.grant_membership(None, User.objects.create_user("bench-admin"),
                                        headquarters, Role.ADMIN, channel=cli)
    user = User.objects.create_user(username)
    membership = grants.grant_membership(None, user, organisation, role, channel=cli)
    if access.awaits_confirmation(membership):
        membership = grants.confirm(admin, membership, channel=cli)
    return membership


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _rows(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    given = ["Adaeze", "Aigerim", "Oksana", "Blessing", "Nurlan", "Joy", "Daria", "Tobi"]
    family = ["Okafor", "Asanova", "Ivanova", "Eze", "Tokoev", "Osagie", "Kowalska"]
    return [{"given_name": f"{rng.choice(given)}{i}", "family_name": rng.choice(family),
             "birth_date": dt.date(1980 + i % 30, 1 + i % 12, 1 + i % 28),
             "phone": f"+000 {i:07d}", "identity_number": f"BENCH-{i:08d}",
             "gender": "Feminine"} for i in range(n)]


def _scratch_table(rows: list[dict]) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} (id integer PRIMARY KEY, given_name text, "
                       "family_name text, birth_date text, phone text, identity_number text, "
                       "gender text, full_name text)")
        cursor.execute(f"CREATE INDEX {SCRATCH}_name ON {SCRATCH} (full_name)")
    values = [(i, r["given_name"], r["family_name"], r["birth_date"].isoformat(), r["phone"],
               r["identity_number"], r["gender"], f"{r['given_name']} {r['family_name']}")
              for i, r in enumerate(rows, start=1)]

    def insert():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {SCRATCH} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                               values)
    return _timed(insert)


def measure_storage(membership, n: int, searches: int) -> list[Figure]:
    """The register, read and search figures for *n* persons."""
    from palermo.cases.models import Person
    from palermo.cases.services import register_person

    rows = _rows(n)
    baseline_write = _scratch_table(rows)

    def register():
        with transaction.atomic():
            for row in rows:
                register_person(membership, **row)
    palermo_write = _timed(register)

    palermo_read = _timed(lambda: [(p.full_name, p.birth_date, p.phone, p.identity_number)
                                   for p in Person.objects.all()])

    def plain_read():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT given_name, family_name, birth_date, phone, "
                           f"identity_number FROM {SCRATCH}")
            return [(f"{g} {f}", dt.date.fromisoformat(b), p, i)
                    for g, f, b, p, i in cursor.fetchall()]
    baseline_read = _timed(plain_read)

    wanted = [f"{r['given_name']} {r['family_name']}" for r in rows[:: max(1, n // searches)]]
    palermo_search = _timed(lambda: [Person.objects.matching(w).first() for w in wanted])

    def plain_search():
        with connection.cursor() as cursor:
            for w in wanted:
                cursor.execute(f"SELECT id FROM {SCRATCH} WHERE full_name = %s", [w])
                cursor.fetchone()
    baseline_search = _timed(plain_search)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SCRATCH}")
    per = 1000 * 1000 / n  # milliseconds per 1,000 persons
    return [
        Figure("register", palermo_write * per, baseline_write * per, "ms per 1,000 persons",
               "register_person vs executemany of plaintext"),
        Figure("read", palermo_read * per, baseline_read * per, "ms per 1,000 persons",
               "decrypting ORM load vs cursor over plaintext"),
        Figure("search", palermo_search * 1000 / len(wanted),
               baseline_search * 1000 / len(wanted), "ms per search",
               "blind-index match vs indexed plaintext equality"),
    ]


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
    return [Figure(f"{name} p50", _percentile(page, 50), _percentile(floor, 50), "ms", note),
            Figure(f"{name} p95", _percentile(page, 95), _percentile(floor, 95), "ms", note)]


def measure_pages(user, requests: int, concurrency: int, workers: int) -> list[Figure]:
    """p50 / p95 of the persons page against /api/health, served by gunicorn."""
    cookie = session_cookie(user)
    with served(workers) as port:
        load(port, "/cases/persons/", cookie, concurrency * 2, concurrency)  # warm up
        page = load(port, "/cases/persons/", cookie, requests, concurrency)
        floor = load(port, "/api/health", "", requests, concurrency)
    return page_figures("page", page, floor,
                        f"persons page vs /api/health, {concurrency} concurrent")


def _wait(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on port {port}")
