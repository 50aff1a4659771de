"""``palermo form``: load XLSForm files, export forms for ODK, import ODK/Kobo submissions.

    palermo form load PATH [--publish] [--org ORGANISATION]
    palermo form export NAME --format xlsform|xform [--version N] [--out PATH]
    palermo form import-submissions NAME PATH …   (palermo.questionnaires.odk_import)

The command line is the server administrator's: it acts without a membership. A form
loaded without ``--org`` is a shared instrument (every organisation may use it).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from palermo.core.models import Organisation
from palermo.questionnaires import services
from palermo.questionnaires.loader import FormRejected, load_xlsform, to_xform
from palermo.questionnaires.models import Form


def _odk_import():
    """The ODK/Kobo import module, if installed. It may define ``add_arguments(parser)``
    and ``run_command(options, stdout, stderr) -> int`` (the exit status)."""
    try:
        return importlib.import_module("palermo.questionnaires.odk_import")
    except ImportError:
        return None


class Command(BaseCommand):
    """``palermo form load | export | import-submissions``."""
    help = "Load, export and import questionnaires (XLSForm)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        load = commands.add_parser("load", help="Check an XLSForm file and store it as the "
                                   "next version of its form.")
        load.add_argument("path")
        load.add_argument("--publish", action="store_true",
                          help="Publish the new version at once.")
        load.add_argument("--org", help="The organisation (name, short name or id) that "
                          "owns the form; without it, a shared instrument.")
        export = commands.add_parser("export", help="Write a form as XLSForm or XForm.")
        export.add_argument("name", help="The form id (settings sheet form_id).")
        export.add_argument("--format", choices=("xlsform", "xform"), required=True)
        export.add_argument("--version", type=int,
                            help="Version number (default: the published, else the latest).")
        export.add_argument("--out", help="File to write (default: standard output).")
        odk = _odk_import()
        submissions = commands.add_parser(
            "import-submissions",
            help="Import ODK Central / KoboToolbox submissions (CSV or JSON).")
        if odk is not None and hasattr(odk, "add_arguments"):
            odk.add_arguments(submissions)
        else:
            submissions.add_argument("name")
            submissions.add_argument("path")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "load":
            return self.load(options)
        if action == "export":
            return self.export(options)
        odk = _odk_import()
        if odk is None or not hasattr(odk, "run_command"):
            raise CommandError("The ODK/Kobo submission import is not installed.")
        status = odk.run_command(options, self.stdout, self.stderr)
        if status:
            sys.exit(status)
        return None

    def load(self, options) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        organisation = _organisation(options.get("org"))
        data = path.read_bytes()
        try:
            loaded = load_xlsform(data, path.name)
            version = services.store_version(loaded, data, path.name,
                                             organisation=organisation)
        except FormRejected as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(f"{len(exc.problems)} problem(s) in {path.name}; nothing "
                               "was saved.") from exc
        if options["publish"]:
            services.publish_from_command_line(version)
        state = "published" if options["publish"] else "draft"
        owner = organisation.name if organisation else "shared"
        self.stdout.write(f"{loaded.form_id}: version {version.number} loaded ({state}, "
                          f"{owner}, {len(loaded.warnings)} pyxform warnings).")

    def export(self, options) -> None:
        form = Form.objects.filter(name=options["name"]).first()
        if form is None:
            raise CommandError(f"No form named {options['name']}.")
        if options.get("version"):
            version = form.versions.filter(number=options["version"]).first()
        else:
            version = form.published() or form.versions.order_by("-number").first()
        if version is None:
            raise CommandError(f"{form.name} has no such version.")
        if options["format"] == "xform":
            content: bytes = to_xform(version).encode("utf-8")
        else:
            content = bytes(version.source)
        if options.get("out"):
            Path(options["out"]).write_bytes(content)
            self.stdout.write(f"{form.name} v{version.number} written to {options['out']}.")
        elif options["format"] == "xform":
            self.stdout.write(content.decode("utf-8"))
        else:
            raise CommandError("An XLSForm file is binary: give --out PATH.")


def _organisation(given: str | None) -> Organisation | None:
    if not given:
        return None
    found = (Organisation.objects.filter(pk=int(given)).first() if given.isdigit() else None
             ) or Organisation.objects.filter(name=given).first() or \
        Organisation.objects.filter(short_name=given).first()
    if found is None:
        raise CommandError(f"No organisation named {given}.")
    return found
