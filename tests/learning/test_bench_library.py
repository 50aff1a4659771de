"""``palermo bench`` gets a library step: a synthetic library, searches with and without facets
under concurrent readers, as ratios to a bare indexed query and to the bare full-text query."""

from __future__ import annotations

import re
import threading

import pytest
from django.core.management import call_command

from palermo.learning import library
from palermo.learning.models import Publication, PublicationPlace
from palermo_bench import learning_steps
from palermo_bench.library_corpus import reader_queries, seed_publications


def test_the_data_suite_runs_the_library_step(db, capsys):
    call_command("bench", n=400)
    out = capsys.readouterr().out
    for name in ("library-search p95", "library-facets p95", "search/full-text p95"):
        assert re.search(rf"^{re.escape(name)}\s+[\d.]+\s+[\d.]+\s+[\d.]+x", out, re.M), name
    assert re.search(r"^  library_search\s+\d+ MiB", out, re.M)
    assert "Library: 200 publications built" in out
    assert "one reader at a time (data not committed" in out
    assert Publication.objects.count() == 200


def test_the_synthetic_library_is_searchable_and_faceted(cast):
    vocabulary = seed_publications(300, [cast.ngo_a.pk, cast.ngo_b.pk])
    assert Publication.objects.count() == 300
    assert PublicationPlace.objects.filter(kind="region").count() == 300
    queries = reader_queries(vocabulary, 30)
    found = [library.find(cast.chen, library.LibraryQuery(text=q)) for q in queries]
    assert all(f.total for f in found[::3])  # words of a title find at least that title
    assert sum(1 for f in found if f.total) >= 15
    assert all(f.hits[0].title for f in found if f.total)
    # later inserts through the ORM do not collide with the bench's ids
    library.save_publication(cast.emre, {"title": "After the bench"})


def test_publications_scale_with_n_up_to_100000():
    assert learning_steps.publications_for(400) == 200
    assert learning_steps.publications_for(200_000) == 100_000
    assert learning_steps.publications_for(1_000_000) == 100_000


def test_readers_run_concurrently_and_a_failing_reader_fails_the_step():
    seen: set[str] = set()
    lock = threading.Lock()

    def work(i):
        with lock:
            seen.add(threading.current_thread().name)

    assert len(learning_steps._latencies(work, 40, True)) == 40
    assert len(seen) == learning_steps.READERS

    def broken(i):
        raise ValueError("no such table")

    with pytest.raises(RuntimeError, match="a reader failed"):
        learning_steps._latencies(broken, 40, True)
