"""``palermo export ctdc|htcds|iati …``: the CTDC release, the identified HTCDS export, and
the portfolio as IATI activity XML.

    palermo export ctdc --method synthetic|kanon --out PATH --org ORG [--as USER]
                        [--epsilon E] [--reporting-length L] [--k K]
    palermo export htcds --out PATH --org ORG [--as USER] [--format csv|xlsx]
                         [--passphrase-file FILE]
    palermo export iati --out PATH --org ORG --as USER [--project ID]
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from palermo.core import access, spreadsheets
from palermo.core.access import Action, Scope
from palermo.core.models import Role
from palermo.disclosure import BudgetExhausted, ReleaseRefused
from palermo.exchange import ctdc, htcds_export
from palermo.exchange.management.commands._common import acting_membership
from palermo.exchange.sealed import SealError
from palermo.programmes import iati_export


def read_passphrase(path: str | None, confirm: bool) -> str:
    """From a file, the environment (PALERMO_EXPORT_PASSPHRASE) or typed (not echoed)."""
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    if os.environ.get("PALERMO_EXPORT_PASSPHRASE"):
        return os.environ["PALERMO_EXPORT_PASSPHRASE"]
    first = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("Passphrase again: ") != first:
        raise CommandError("The two passphrases differ.")
    return first


class Command(BaseCommand):
    help = ("Export the CTDC release (de-identified), the identified HTCDS file (sealed), or "
            "the projects the member may see as IATI 2.03 activity XML (validated).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        for name in ("ctdc", "htcds", "iati"):
            p = sub.add_parser(name)
            p.add_argument("--out", required=True, help="File to write")
            p.add_argument("--org", required=True, help="Organisation acting")
            p.add_argument("--as", dest="user", help="User name of the member acting",
                           required=name == "iati")
            if name == "iati":
                p.add_argument("--project", type=int, help="Only this project (its id)")
            elif name == "ctdc":
                p.add_argument("--method", choices=["synthetic", "kanon"], default="synthetic")
                p.add_argument("--epsilon", type=float, default=ctdc.DEFAULT_EPSILON)
                p.add_argument("--reporting-length", type=int, default=3)
                p.add_argument("--k", type=int, default=ctdc.DEFAULT_K)
            else:
                p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
                p.add_argument("--passphrase-file")

    def handle(self, *args, **options):
        out = Path(options["out"])
        try:
            if options["what"] == "ctdc":
                self._ctdc(out, options)
            elif options["what"] == "iati":
                self._iati(out, options)
            else:
                self._htcds(out, options)
        except PermissionDenied as exc:
            raise CommandError("This member may not make this export (docs/access.md).") \
                from exc

    def _ctdc(self, out: Path, options) -> None:
        membership = acting_membership(options["org"], options["user"], Role.ANALYST
                                       if not options["user"] else None)
        try:
            release = ctdc.export(membership, method=options["method"],
                                  epsilon=options["epsilon"],
                                  reporting_length=options["reporting_length"],
                                  k=options["k"], channel="cli")
        except (BudgetExhausted, ReleaseRefused) as exc:
            raise CommandError(f"Refused: {exc}") from exc
        out.write_bytes(release.csv())
        out.with_suffix(".dictionary.csv").write_bytes(ctdc.dictionary_csv())
        out.with_suffix(".dictionary.md").write_text(ctdc.dictionary_markdown(release),
                                                     encoding="utf-8")
        if release.utility is not None and access.scope(
                membership, Action.VIEW, "real_counts") is not Scope.NONE:
            rows = release.utility.rows()
            out.with_suffix(".utility.csv").write_text(
                spreadsheets.dicts_csv(rows, list(rows[0]) if rows else ["columns"]),
                encoding="utf-8", newline="")
        for note in release.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {len(release.data)} rows ({release.method}, {release.parameters}) to {out}"
            f" and the data dictionary beside it; release #{release.release_id} logged."))

    def _htcds(self, out: Path, options) -> None:
        membership = acting_membership(options["org"], options["user"])
        passphrase = read_passphrase(options["passphrase_file"], confirm=True)
        try:
            name, sealed, count = htcds_export.export_htcds(
                membership, passphrase, fmt=options["format"], channel="cli")
        except SealError as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(sealed)
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {count} cases, sealed, to {out}. Decrypt with: palermo decrypt-export "
            f"{out} --out {name.removesuffix('.sealed')}"))

    def _iati(self, out: Path, options) -> None:
        from django.http import Http404

        from palermo.programmes.reading import visible_project

        membership = acting_membership(options["org"], options["user"])
        try:
            project = (visible_project(membership, options["project"])
                       if options["project"] else None)
            content = iati_export.export(membership, project=project)
        except Http404 as exc:
            raise CommandError(f"No project {options['project']} that this member may "
                               "see.") from exc
        except iati_export.ExportRefused as exc:
            raise CommandError(f"Refused: {exc}") from exc
        out.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {content.count(b'<iati-activity ')} activities to {out} (IATI "
            f"{iati_export.VERSION}, valid against the schema)."))
