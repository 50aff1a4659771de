"""``palermo bench``: speed figures as ratios to baselines measured in the same run."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from palermo import bench
from palermo.core.models import Membership, Organisation, Role, User


class Command(BaseCommand):
    help = ("Measure Palermo against bare baselines on a scratch database (a temporary data "
            "directory, or an EMPTY database given with --database-url) and print the ratios.")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=2000)
        parser.add_argument("--searches", type=int, default=200)
        parser.add_argument("--requests", type=int, default=400)
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--database-url", help="An empty scratch database to measure on "
                                                   "(default: SQLite in a temporary folder)")
        parser.add_argument("--no-pages", action="store_true", help="Skip the load test")

    def handle(self, *args, **options):
        if _migrated() and Organisation.objects.exists():
            raise CommandError("palermo bench needs an empty scratch database.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        org = Organisation.objects.create(name="Bench NGO", type="NGO")
        user = User.objects.create_user("bench", password=None)
        membership = Membership.objects.create(user=user, organisation=org,
                                               role=Role.CASEWORKER)
        db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"palermo bench on {db}: {options['persons']} persons, "
                          f"{options['searches']} searches, {options['requests']} requests "
                          f"at concurrency {options['concurrency']}")
        figures = bench.measure_storage(membership, options["persons"], options["searches"])
        if not options["no_pages"]:
            figures += bench.measure_pages(user, options["requests"], options["concurrency"],
                                           options["workers"])
        self.stdout.write(f"{'measure':<10} {'palermo':>10} {'baseline':>10} {'ratio':>7}  "
                          "unit — against")
        for f in figures:
            self.stdout.write(f"{f.name:<10} {f.palermo:>10.2f} {f.baseline:>10.2f} "
                              f"{f.ratio:>6.1f}x  {f.unit} — {f.note}")


def _migrated() -> bool:
    from django.db import connection

    return "core_organisation" in connection.introspection.table_names()
