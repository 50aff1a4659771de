"""The import commands (``palermo import-htcds``, ``palermo import-cases``): one body, run in
this process and recorded as a job (so a killed import shows as interrupted), with a rich
progress bar fed by the job's progress callback."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from palermo.core import jobs
from palermo.exchange import importing
from palermo.exchange.jobs import KINDS
from palermo.exchange.management.commands._common import acting_membership, print_report
from palermo.exchange.validation import DATE_ORDERS


class ImportCommand(BaseCommand):
    layout: importing.Layout

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV, XLSX or JSON file")
        parser.add_argument("--org", required=True, help="Organisation importing (name, "
                                                         "short name or id)")
        parser.add_argument("--as", dest="user", help="User name of the importing "
                                                      "supervisor (default: the only one)")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check and report; write nothing")
        parser.add_argument("--quarantine", action="store_true",
                            help="Import the good rows; keep bad rows (encrypted) in "
                                 "quarantine, listed in the report")
        parser.add_argument("--date-order", choices=DATE_ORDERS,
                            help="How to read dates like 03/04/2020: dmy or mdy (default: "
                                 "refuse them as ambiguous)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        membership = acting_membership(options["org"], options["user"])
        content = path.read_bytes()
        reports = []

        def body(job, progress):  # the same progress callback as the page's
            report = importing.run(
                membership, content, path.name, self.layout, dry_run=options["dry_run"],
                quarantine=options["quarantine"], date_order=options["date_order"],
                channel="cli", progress=progress, job_id=job.pk)
            reports.append(report)
            return jobs.Outcome(report.summary(), {"batch": report.batch_id,
                                                   "report": report.as_dict()})

        kind = "import_check" if options["dry_run"] else "import"
        try:
            with _progress(self) as display:
                job = jobs.run_here(membership, body, kind=kind, title=str(KINDS[kind]),
                                    work_kind="case_exchange", display=display)
        except PermissionDenied as exc:
            raise CommandError(f"{membership.user} ({membership.get_role_display()} at "
                               f"{membership.organisation}) may not import cases: bulk "
                               "import is for supervisors.") from exc
        if not reports:
            raise CommandError(job.message, returncode=1)
        report = reports[0]
        print_report(self, report)
        if not (report.imported or (report.dry_run and report.importable)):
            raise CommandError("Nothing was imported.", returncode=1)


class _progress:
    """A rich progress bar on the terminal (nothing when output is not a terminal)."""

    def __init__(self, command):
        self.command = command
        self.bar = None

    def __enter__(self):
        from rich.progress import Progress

        self.bar = Progress(transient=True, disable=not self.command.stdout.isatty())
        self.bar.start()
        self.tasks: dict[str, int] = {}
        return self.update

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            label = {"check": "Checking rows", "write": "Writing"}.get(stage, stage)
            self.tasks[stage] = self.bar.add_task(label, total=total or 1)
        self.bar.update(self.tasks[stage], completed=done, total=total or 1)

    def __exit__(self, *exc):
        self.bar.stop()
        return False
