"""``palermo serve``: serve an existing install with gunicorn (static files by whitenoise)."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from palermo.core import crypto

# Paths only: query strings (which may hold a searched name) never reach the log.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class Command(BaseCommand):
    help = "Serve Palermo with gunicorn on http://127.0.0.1:8000 (or --host/--port)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="Data directory (default ./palermo-data or "
                                               "PALERMO_DATA_DIR)")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, **options):
        prepare_install(self.stdout)
        serve(options["host"], options["port"], options["workers"], self.stdout)


def prepare_install(stdout) -> None:
    """Apply pending migrations, collect static files (both idempotent) and make sure the
    field keyring is the one this database was encrypted with."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    try:
        crypto.keyring()
    except crypto.KeyringError as exc:
        raise CommandError(str(exc)) from exc
    stdout.write(f"Data directory: {settings.DATA_DIR}")


def serve(host: str, port: int, workers: int, stdout) -> None:
    """Replace this process with gunicorn serving Palermo."""
    stdout.write(f"Palermo is running at http://{host}:{port}/ — sign in there. "
                 "Press Ctrl+C to stop.")
    stdout.flush()
    args = [sys.executable, "-m", "gunicorn", "palermo.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers),
            "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT]
    os.execvp(args[0], args)
