"""``palermo demo``: a working Palermo with synthetic data on this computer, then serve it
(gunicorn and the background-job worker, see ``serve``)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from palermo import demo
from palermo.cases.models import Case, Person
from palermo.core.models import Organisation, User
from palermo.web.management.commands.serve import prepare_install, serve


class Command(BaseCommand):
    help = ("Create a demo install (SQLite, synthetic organisations, one user per role, "
            "persons) in the data directory and serve it. Re-running keeps existing data.")

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="Data directory (default ./palermo-data or "
                                               "PALERMO_DATA_DIR)")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true",
                            help="Set up the demo and exit without serving")
        parser.add_argument("--no-worker", action="store_true",
                            help="Serve without the background-job worker")

    def handle(self, *args, **options):
        prepare_install(self.stdout)
        if Organisation.objects.exists():
            self.stdout.write(
                f"Existing install kept: {Organisation.objects.count()} organisations, "
                f"{User.objects.count()} users, {Person.objects.count()} persons, "
                f"{Case.objects.count()} cases. "
                "Passwords were printed when the users were created; to choose a new one, "
                "`palermo send-password-reset USERNAME` prints a reset link here.")
        else:
            logins = demo.build()
            self.stdout.write(self.style.SUCCESS("Demo data created (synthetic, marked “demo”)."))
            self.stdout.write("Demo users — passwords are shown only this once:")
            width = max(len(x.username) for x in logins)
            for login in logins:
                self.stdout.write(f"  {login.username:<{width}}  {login.password}  "
                                  f"({login.memberships})")
        for line in demo.summary():  # not indented: the logins above are
            self.stdout.write(line)
        if not settings.PALERMO_REQUIRE_2FA:
            self.stdout.write(self.style.WARNING(
                "Two-factor sign-in is relaxed for this demo (palermo.env in the data "
                "directory). Never use this setting with real data."))
        if options["no_serve"]:
            return
        serve(options["host"], options["port"], 2, self.stdout,
              worker=not options["no_worker"])
