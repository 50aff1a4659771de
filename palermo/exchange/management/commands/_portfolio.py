"""What the portfolio import commands share: reading options, printing the report, the
exit status (0 when the file is acceptable, 1 when it is refused)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from palermo.exchange.management.commands._common import acting_membership
from palermo.programmes import imports
from palermo.programmes.report import ERROR, WARNING, Report


class PortfolioImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file")
        parser.add_argument("--org", required=True, help="Organisation importing (name, "
                                                         "short name or id)")
        parser.add_argument("--as", dest="user", required=True,
                            help="User name of the importing M&E officer")
        parser.add_argument("--accept", action="store_true",
                            help="Import when the report allows it (without: report only, "
                                 "nothing written)")

    def options_of(self, options) -> dict:
        return {}

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        membership = acting_membership(options["org"], options["user"])
        try:
            report = imports.run(membership, path.read_bytes(), path.name, self.kind,
                                 self.options_of(options), accept=options["accept"],
                                 channel="cli")
        except PermissionDenied as exc:
            raise CommandError(f"{membership.user} ({membership.get_role_display()} at "
                               f"{membership.organisation}) may not import a portfolio: "
                               "imports are for M&E officers.") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        print_report(self, report)
        if not report.acceptable:
            raise CommandError("Refused: nothing was imported.", returncode=1)


def print_report(command: BaseCommand, report: Report) -> None:
    """One line per finding, grouped by kind: where, what, and what accepting does."""
    write = command.stdout.write
    for _kind, heading, findings in report.by_kind():
        write(f"\n{heading} ({len(findings)})")
        for f in findings:
            line = f"  {f.severity.upper():8} {f.where():>14}  {f.field}: {f.reason}"
            style = (command.style.ERROR if f.severity == ERROR else
                     command.style.WARNING if f.severity == WARNING else str)
            write(style(line))
            if f.action:
                write(f"  {'':8} {'':>14}  → {f.action}")
    for currency, sums in report.total_lines():
        write("\n" + "Totals in the file: " + ", ".join(f"{k} {v} {currency}"
                                                        for k, v in sums))
    if report.changes:
        write("Changes: " + ", ".join(f"{k} {v}" for k, v in report.change_lines()))
    style = command.style.SUCCESS if report.acceptable else command.style.ERROR
    write(style(report.summary()))
    if report.acceptable and not report.imported:
        write("Nothing was written. Run again with --accept to import.")
