"""``palermo library``: catalogue files in and out of the resource library.

    palermo library import FILE --org ORG --as USER [--dry-run]
    palermo library export --format ris|bibtex|csv|xlsx --out FILE [--org ORG --as USER]

An import acts as a member (USER at ORG, name, short name or id) and the access policy
decides, as on the page: M&E officers import into their organisation's library. Every record
is checked first; the report names each bad record's row, field and reason, and if any is bad
nothing is imported (exit status 1). An export without ``--org`` writes the whole library:
the command line is the server administrator's, and the library holds no personal data.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from palermo.core import access
from palermo.core.models import Membership, Organisation
from palermo.learning import catalogue
from palermo.learning.models import Publication


def member(org: str, username: str) -> Membership:
    """*username* acting for the organisation *org* (its name, short name or id)."""
    query = Q(name=org) | Q(short_name=org) | (Q(pk=int(org)) if org.isdigit() else Q())
    organisation = Organisation.objects.filter(query).first()
    if organisation is None:
        raise CommandError(f"No organisation {org!r} (give its name, short name or id).")
    found = (Membership.objects.filter(organisation=organisation, user__username=username)
             .select_related("user", "organisation").first())
    if found is None or access.scope(found, access.Action.VIEW, "library") is \
            access.Scope.NONE:
        raise CommandError(f"{username} is not an active member of {organisation}.")
    return found


class Command(BaseCommand):
    help = "Import a catalogue file into the resource library, or export the library."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Import a catalogue (.csv, .xlsx, .ris, .bib).")
        load.add_argument("file")
        load.add_argument("--org", required=True, help="The organisation acting")
        load.add_argument("--as", dest="user", required=True, help="The member acting")
        load.add_argument("--dry-run", action="store_true",
                          help="Check every record, import nothing")
        out = sub.add_parser("export", help="Write the library as a catalogue file.")
        out.add_argument("--format", choices=catalogue.FORMATS, required=True)
        out.add_argument("--out", required=True, help="File to write")
        out.add_argument("--org", help="Export as a member of this organisation …")
        out.add_argument("--as", dest="user", help="… with this user name")

    def handle(self, *args, **options):
        try:
            if options["action"] == "import":
                return self._import(options)
            return self._export(options)
        except PermissionDenied as exc:
            raise CommandError("This member may not do this (docs/access.md: M&E officers "
                               "import into their organisation's library).") from exc

    def _import(self, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        membership = member(options["org"], options["user"])
        report = catalogue.import_catalogue(membership, path.name, path.read_bytes(),
                                            dry_run=options["dry_run"])
        for problem in report.problems:
            line = f"{problem.severity.upper():8} {problem}"
            self.stdout.write(self.style.ERROR(line) if problem.severity == "error"
                              else self.style.WARNING(line))
        if report.errors:
            self.stderr.write(self.style.ERROR(report.summary()))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _export(self, options) -> None:
        if bool(options["org"]) != bool(options["user"]):
            raise CommandError("Give both --org and --as, or neither.")
        if options["org"]:
            made = catalogue.export_catalogue(member(options["org"], options["user"]),
                                              options["format"])
        else:
            made = catalogue.write_catalogue(Publication.objects.all(), options["format"])
        Path(options["out"]).write_bytes(made.content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['out']} ({options['format']})."))
