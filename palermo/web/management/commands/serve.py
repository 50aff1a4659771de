"""``palermo serve``: serve an existing install with gunicorn (static files by whitenoise)
and run the background-job worker beside it; both stop together."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from palermo.core import crypto
from palermo.core.routers import JOBS_DB, separate_jobs_database

# Paths only: query strings (which may hold a searched name) never reach the log.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class Command(BaseCommand):
    help = ("Serve Palermo with gunicorn on http://127.0.0.1:8000 (or --host/--port), with "
            "the background-job worker beside it (--no-worker when it runs separately).")

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="Data directory (default ./palermo-data or "
                                               "PALERMO_DATA_DIR)")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true",
                            help="Do not start the job worker (run `palermo db_worker` "
                                 "yourself)")

    def handle(self, *args, **options):
        prepare_install(self.stdout)
        serve(options["host"], options["port"], options["workers"], self.stdout,
              worker=not options["no_worker"])


def prepare_install(stdout) -> None:
    """Apply pending migrations, collect static files (both idempotent) and make sure the
    field keyring is the one this database was encrypted with."""
    migrate_all()
    call_command("collectstatic", interactive=False, verbosity=0)
    try:
        crypto.keyring()
    except crypto.KeyringError as exc:
        raise CommandError(str(exc)) from exc
    stdout.write(f"Data directory: {settings.DATA_DIR}")


def migrate_all() -> None:
    """Apply pending migrations to the database and, on SQLite, to the jobs database."""
    call_command("migrate", interactive=False, verbosity=0)
    if separate_jobs_database():
        call_command("migrate", database=JOBS_DB, interactive=False, verbosity=0)


def serve(host: str, port: int, workers: int, stdout, *, worker: bool = True) -> None:
    """Run gunicorn serving Palermo and, unless *worker* is false, the job worker
    (``palermo db_worker``); stop both when either stops or on Ctrl+C / SIGTERM."""
    stdout.write(f"Palermo is running at http://{host}:{port}/ — sign in there. "
                 "Press Ctrl+C to stop.")
    stdout.flush()
    commands = [[sys.executable, "-m", "gunicorn", "palermo.wsgi:application",
                 "--bind", f"{host}:{port}", "--workers", str(workers),
                 "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT]]
    if worker:
        commands.append([sys.executable, "-m", "palermo.cli", "db_worker", "--verbosity", "1"])
    raise SystemExit(Together(commands).run())


class Together:
    """Child processes started and stopped together: when one ends, or this process is
    asked to stop, the others are asked too (SIGTERM), then killed after a grace period.
    The worker, asked to stop, finishes or abandons its job (recorded as interrupted)."""

    GRACE_SECONDS = 15

    def __init__(self, commands: list[list[str]]):
        self.commands = commands
        self.children: list[subprocess.Popen] = []
        self.stopping = False

    def _stop(self, signum=None, frame=None) -> None:
        self.stopping = True

    def run(self) -> int:
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.children = [subprocess.Popen(command) for command in self.commands]
            while not self.stopping and all(c.poll() is None for c in self.children):
                time.sleep(0.2)
            return self._end()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _end(self) -> int:
        for child in self.children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + self.GRACE_SECONDS
        for child in self.children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.terminate()  # a second time: the worker abandons its job now
                try:
                    child.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        codes = [c.returncode for c in self.children]
        return 0 if self.stopping else next((c for c in codes if c), 0)
