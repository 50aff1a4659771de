"""``palermo bench storage``: persons stored, read and searched, and the persons page.

Each measurement times Palermo's way and a bare baseline on the same data, on the same
machine, one after the other, so the ratio says what Palermo's layers cost and not how fast
the machine is.

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
import random

from django.db import connection, transaction

from palermo_bench.figures import Figure, timed
from palermo_bench.serving import load, page_figures, served, session_cookie

SCRATCH = "bench_plain_person"


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
    return timed(insert)


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
    palermo_write = timed(register)

    palermo_read = timed(lambda: [(p.full_name, p.birth_date, p.phone, p.identity_number)
                                   for p in Person.objects.all()])

    def plain_read():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT given_name, family_name, birth_date, phone, "
                           f"identity_number FROM {SCRATCH}")
            return [(f"{g} {f}", dt.date.fromisoformat(b), p, i)
                    for g, f, b, p, i in cursor.fetchall()]
    baseline_read = timed(plain_read)

    wanted = [f"{r['given_name']} {r['family_name']}" for r in rows[:: max(1, n // searches)]]
    palermo_search = timed(lambda: [Person.objects.matching(w).first() for w in wanted])

    def plain_search():
        with connection.cursor() as cursor:
            for w in wanted:
                cursor.execute(f"SELECT id FROM {SCRATCH} WHERE full_name = %s", [w])
                cursor.fetchone()
    baseline_search = timed(plain_search)
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


def measure_pages(user, requests: int, concurrency: int, workers: int) -> list[Figure]:
    """p50 / p95 of the persons page against /api/health, served by gunicorn."""
    cookie = session_cookie(user)
    with served(workers) as port:
        load(port, "/cases/persons/", cookie, concurrency * 2, concurrency)  # warm up
        page = load(port, "/cases/persons/", cookie, requests, concurrency)
        floor = load(port, "/api/health", "", requests, concurrency)
    return page_figures("page", page, floor,
                        f"persons page vs /api/health, {concurrency} concurrent")
