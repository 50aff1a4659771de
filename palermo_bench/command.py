"""``palermo bench [data|storage|cases]``: speed figures as ratios to baselines measured in the
same run. ``data`` (the default) is the data benchmark (:mod:`palermo_bench.data`),
``storage`` :mod:`palermo_bench.storage`, ``cases`` :mod:`palermo_bench.cases`.

This is the command itself; Palermo's ``bench`` management command only imports it (and says
how to install the harness when its dependencies are missing)."""

from __future__ import annotations

import shutil
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from palermo.core.models import Organisation, Role
from palermo_bench import cases as bench_cases
from palermo_bench import data as bench_data
from palermo_bench import storage
from palermo_bench.members import scratch_member


class Command(BaseCommand):
    help = ("Measure Palermo against bare baselines on a scratch database (a temporary data "
            "directory, or an EMPTY database given with --database-url) and print the ratios. "
            "`palermo bench` (suite `data`) builds --n synthetic case facts and times the CTM "
            "tables against pandas and DuckDB (and the steps other modules add), with peak "
            "memory; `palermo bench storage` measures storage and the persons page; "
            "`palermo bench cases` seeds --cases cases and measures the case pages under "
            "--concurrency users.")

    def add_arguments(self, parser):
        parser.add_argument("suite", nargs="?", default="data",
                            choices=["data", "storage", "cases"])
        parser.add_argument("--n", type=int, default=200_000,
                            help="Synthetic case facts for the data suite (default 200,000)")
        parser.add_argument("--persons", type=int, default=2000)
        parser.add_argument("--searches", type=int, default=200)
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=None,
                            help="Requests per page (default 400; 1000 for cases)")
        parser.add_argument("--concurrency", type=int, default=None,
                            help="Concurrent users (default 8; 20 for cases)")
        parser.add_argument("--workers", type=int, default=None,
                            help="gunicorn workers (default 2; 4 for cases)")
        parser.add_argument("--database-url", help="An empty scratch database to measure on "
                                                   "(default: SQLite in a temporary folder)")
        parser.add_argument("--no-pages", action="store_true", help="Skip the load test")

    def handle(self, *args, **options):
        if _migrated() and Organisation.objects.exists():
            raise CommandError("palermo bench needs an empty scratch database.")
        call_command("migrate", interactive=False, verbosity=0)
        if options["suite"] == "data":
            return self._data(options["n"])
        call_command("collectstatic", interactive=False, verbosity=0)
        org = Organisation.objects.create(name="Bench NGO", type="NGO")
        membership = scratch_member("bench", org, Role.CASEWORKER)
        user = membership.user
        db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        cases_suite = options["suite"] == "cases"
        requests = options["requests"] or (1000 if cases_suite else 400)
        concurrency = options["concurrency"] or (20 if cases_suite else 8)
        workers = options["workers"] or (4 if cases_suite else 2)
        if cases_suite:
            figures = self._cases(membership, options["cases"], requests, concurrency, workers,
                                  db)
        else:
            self.stdout.write(f"palermo bench on {db}: {options['persons']} persons, "
                              f"{options['searches']} searches, {requests} requests at "
                              f"concurrency {concurrency}")
            figures = storage.measure_storage(membership, options["persons"],
                                            options["searches"])
            if not options["no_pages"]:
                figures += storage.measure_pages(user, requests, concurrency, workers)
        self.stdout.write(f"{'measure':<10} {'palermo':>10} {'baseline':>10} {'ratio':>7}  "
                          "unit — against")
        for f in figures:
            self.stdout.write(f"{f.name:<10} {f.palermo:>10.2f} {f.baseline:>10.2f} "
                              f"{f.ratio:>6.1f}x  {f.unit} — {f.note}")

    def _data(self, n: int) -> None:
        orgs = [Organisation.objects.create(name=f"Bench NGO {i}", type="NGO")
                for i in range(1, 6)]
        membership = scratch_member("bench", orgs[0], Role.SUPERVISOR)
        db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        started = time.perf_counter()
        with Progress(transient=True) as bar:
            task = bar.add_task(f"Building {n:,} case facts", total=n)
            bench_data.seed_facts(n, [o.pk for o in orgs],
                                  progress=lambda k: bar.advance(task, k))
        seeded = time.perf_counter() - started
        seed_peak = bench_data.peak_rss_mib()
        self.stdout.write(f"palermo bench data on {db}: {n:,} synthetic case facts built "
                          f"(numpy + executemany) in {seeded:.1f} s")
        data = bench_data.BenchData(n=n, organisation_ids=[o.pk for o in orgs],
                                    membership=membership, folder=bench_data.scratch_folder())
        try:
            results = bench_data.run(data)
        finally:
            shutil.rmtree(data.folder, ignore_errors=True)
        self.stdout.write(f"{'measure':<14} {'palermo':>10} {'baseline':>10} {'ratio':>7}  "
                          "unit — against")
        for _step, figures, _seconds, _peak in results:
            for f in figures:
                self.stdout.write(f"{f.name:<14} {f.palermo:>10.2f} {f.baseline:>10.2f} "
                                  f"{f.ratio:>6.2f}x  {f.unit} — {f.note}")
        self.stdout.write("peak memory per step (resident, MiB):")
        for step, _figures, seconds, peak in results:
            self.stdout.write(f"  {step.__name__:<20} {peak:>8.0f} MiB  ({seconds:.1f} s "
                              "including baselines)")
        overall = max([seed_peak] + [peak for *_rest, peak in results])
        self.stdout.write(f"peak memory of the whole run: {overall:.0f} MiB "
                          f"(building the facts: {seed_peak:.0f} MiB)")
        for note in data.notes:
            self.stdout.write(note)

    def _cases(self, membership, n, requests, concurrency, workers, db):
        started = time.perf_counter()
        with Progress(transient=True) as bar:
            task = bar.add_task(f"Seeding {n:,} cases", total=n)
            case_ids = bench_cases.seed(membership, n,
                                        progress=lambda k: bar.advance(task, k))
        seconds = time.perf_counter() - started
        self.stdout.write(f"palermo bench cases on {db}: seeded {n:,} encrypted persons and "
                          f"cases with history and facts in {seconds:.0f} s "
                          f"({seconds / n * 1000:.2f} ms per case); {requests} requests per "
                          f"page at concurrency {concurrency}, {workers} gunicorn workers")
        return bench_cases.measure(membership, case_ids, requests, concurrency, workers)


def _migrated() -> bool:
    from django.db import connection

    return "core_organisation" in connection.introspection.table_names()
