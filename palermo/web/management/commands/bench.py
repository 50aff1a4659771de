"""``palermo bench``: the benchmark harness, which lives outside the product
(``palermo_bench``, installed with ``pip install -e '.[bench]'``; docs/benchmarks.md).

This module is the only place in ``palermo`` that imports it, and only when the command is
run. Without the harness's dependencies the command says how to install them and exits
non-zero, whatever its arguments."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

INSTALL = "pip install -e '.[bench]'"

try:
    from palermo_bench.command import Command
except ModuleNotFoundError as exc:
    if (exc.name or "").startswith("palermo."):
        raise  # a defect in the product, not a missing harness
    MISSING = exc.name or str(exc)

    class Command(BaseCommand):
        """Stands in for the harness when it is not installed: it only says how to."""

        help = f"Measure Palermo against bare baselines. Needs the benchmark harness: {INSTALL}"

        def message(self) -> str:
            return (f"palermo bench needs the benchmark harness, which is not installed "
                    f"(missing: {MISSING}). Install it with: {INSTALL}")

        def run_from_argv(self, argv):
            self.stderr.write(self.message())
            sys.exit(1)

        def add_arguments(self, parser):
            parser.add_argument("args", nargs="*")

        def handle(self, *args, **options):
            raise CommandError(self.message())
