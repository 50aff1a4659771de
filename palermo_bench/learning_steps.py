"""``palermo bench`` step of the learning app: the library's full-text search under concurrent
readers, against a bare indexed query on the same database in the same run.

The step builds a synthetic library (:mod:`palermo_bench.library_corpus`; 100,000
publications at the default ``--n`` of 200,000: half of ``--n``, at most 100,000), then lets
:data:`READERS` threads, each with its own database connection, run in turn:

* **bare** — ``SELECT id, title, year FROM learning_publication WHERE category = %s ORDER BY
  id LIMIT 20`` through a cursor: an indexed query returning a page of 20, the floor;
* **search** — ``palermo.learning.library.find`` without facets, as the API's
  ``facets=false``: the ranked page of 20 with highlighted titles and extracts and the total;
* **faceted** — the same with the facet counts by region, country, year and category, as the
  library page and the API answer by default;
* **bare full text** — the same words through the full-text index alone with a cursor (FTS5
  ``MATCH … ORDER BY rank LIMIT 20``; ``@@ websearch_to_tsquery … ORDER BY ts_rank``): what
  Palermo's layers (policy, total, snippets, records, facets) add to the index itself.

Each figure is a p95 (or p50) latency in milliseconds against the bare indexed query's (the
issue's target: search p95 at most 3× it); the last is search p95 against the bare full-text
query's. When the
data are not committed (inside a test's transaction, which other connections cannot see) the
readers run one after another on this connection, and the note says so.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections.abc import Callable

from django.db import connection

from palermo.learning import library
from palermo.learning.library import LibraryQuery
from palermo.learning.search import Results, fts5_query
from palermo_bench.figures import Figure
from palermo_bench.library_corpus import CATEGORIES, reader_queries, seed_publications

READERS = 20
MAX_PUBLICATIONS = 100_000
BARE = ("SELECT id, title, year FROM learning_publication WHERE category = %s "
        "ORDER BY id LIMIT 20")
# The same words through the full-text index alone, ranked, a page of ids: no policy, no
# count, no snippets, no records.
BARE_FULL_TEXT = {
    "sqlite": ("SELECT rowid FROM learning_publication_fts WHERE learning_publication_fts "
               "MATCH %s ORDER BY rank LIMIT 20"),
    "postgresql": ("SELECT id FROM learning_publication WHERE search_vector @@ "
                   "websearch_to_tsquery('english', %s) ORDER BY ts_rank(search_vector, "
                   "websearch_to_tsquery('english', %s)) DESC LIMIT 20"),
}


def publications_for(n: int) -> int:
    """How many publications the step builds for ``--n`` case facts."""
    return min(MAX_PUBLICATIONS, max(100, n // 2))


def _percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]


def _latencies(work: Callable[[int], object], requests: int, concurrent: bool) -> list[float]:
    """Milliseconds of each of *requests* calls ``work(i)``, spread over :data:`READERS`
    threads starting together (or one after another when not *concurrent*)."""
    def timed(i: int) -> float:
        start = time.perf_counter()
        work(i)
        return (time.perf_counter() - start) * 1000

    if not concurrent:
        return [timed(i) for i in range(requests)]
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(READERS)
    per_reader = max(1, requests // READERS)

    def reader(offset: int) -> None:
        from django.db import connection as own  # this thread's connection

        mine = []
        try:
            start.wait()
            mine = [timed(offset * per_reader + i) for i in range(per_reader)]
        except BaseException as exc:  # reported below: a failed reader fails the step
            errors.append(exc)
        finally:
            own.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"a reader failed: {errors[0]!r}") from errors[0]
    return latencies


def library_search(data) -> list[Figure]:
    """Full-text search and faceted search p95 under concurrent readers vs a bare indexed
    query (see the module's description)."""
    n = publications_for(data.n)
    started = time.perf_counter()
    vocabulary = seed_publications(n, data.organisation_ids)
    seeded = time.perf_counter() - started
    requests = min(1_000, max(60, n // 20))
    queries = reader_queries(vocabulary, requests)
    rng = random.Random(9)
    categories = [rng.choice(CATEGORIES[0]) for _ in range(requests)]
    concurrent = not connection.in_atomic_block
    member = data.membership

    def bare(i: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(BARE, [categories[i % requests]])
            cursor.fetchall()

    vendor = connection.vendor
    expressions = [fts5_query(q) for q in queries] if vendor == "sqlite" else queries

    def bare_full_text(i: int) -> None:
        words = expressions[i % requests]
        with connection.cursor() as cursor:
            cursor.execute(BARE_FULL_TEXT[vendor], [words] * (1 if vendor == "sqlite" else 2))
            cursor.fetchall()

    def search(i: int, facets: bool) -> Results:
        return library.find(member, LibraryQuery(text=queries[i % requests]), facets=facets)

    found = [search(i, False).total for i in range(min(requests, 50))]
    _latencies(bare, READERS * 2, concurrent)  # warm up connections and caches
    floor = _latencies(bare, requests, concurrent)
    plain = _latencies(lambda i: search(i, False), requests, concurrent)
    faceted = _latencies(lambda i: search(i, True), requests, concurrent)
    index_only = _latencies(bare_full_text, requests, concurrent)
    how = (f"{READERS} concurrent readers" if concurrent
           else "one reader at a time (data not committed: inside a test's transaction)")
    data.notes.append(
        f"Library: {n:,} publications built in {seeded:.1f} s (executemany; the search "
        f"index kept by the triggers); {requests:,} searches per measure, {how}; a search "
        f"finds {statistics.median(found):,.0f} publications (median of 50 queries, e.g. "
        f"{queries[0]!r}, {queries[1]!r}, {queries[2]!r}); bare query p50 "
        f"{_percentile(floor, 50):.2f} ms")
    note = f"{n:,} publications, {how}, vs a bare indexed query (category, page of 20)"
    return [
        Figure("library-search p50", _percentile(plain, 50), _percentile(floor, 50), "ms",
               note),
        Figure("library-search p95", _percentile(plain, 95), _percentile(floor, 95), "ms",
               note),
        Figure("library-facets p95", _percentile(faceted, 95), _percentile(floor, 95), "ms",
               f"search with facet counts by region, country, year, category; {note}"),
        Figure("search/full-text p95", _percentile(plain, 95), _percentile(index_only, 95),
               "ms", f"search vs the same words through the full-text index alone (bare "
                     f"cursor, ranked page of ids); {n:,} publications, {how}"),
    ]


STEPS = [library_search]
