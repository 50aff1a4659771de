"""``palermo db_worker``: the background-job worker (django-tasks' database worker), after
Palermo's start-up: the jobs database migrated (SQLite: a file of its own), the field
keyring checked, and the jobs and import batches whose process died recorded as interrupted.

``palermo serve`` and ``palermo demo`` run it beside the web server; in production it may run
as a service of its own (docs/admin-guide.md).
"""

from __future__ import annotations

import os
import signal

from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from palermo.core import crypto, jobs
from palermo.core.routers import JOBS_DB, separate_jobs_database
from palermo.exchange import jobs as exchange_jobs


class Command(DatabaseWorker):
    help = ("Run Palermo's background jobs (imports, CTDC releases …). Records the jobs left "
            "running by a process that died as interrupted, then waits for work.")

    def handle(self, *args, **options):
        # The worker stops gracefully on SIGTERM/SIGINT (it finishes its job first); a
        # process it forks — an import's checking workers — must stop when told, as usual.
        os.register_at_fork(after_in_child=_default_signals)
        if separate_jobs_database():  # the main database is migrated by `palermo migrate`
            call_command("migrate", database=JOBS_DB, interactive=False, verbosity=0)
        try:
            crypto.keyring()
        except crypto.KeyringError as exc:
            raise CommandError(str(exc)) from exc
        found = jobs.mark_interrupted(), exchange_jobs.mark_interrupted()
        if any(found) and options["verbosity"]:
            self.stdout.write(f"Recorded as interrupted: {found[0]} job(s), {found[1]} "
                              "import batch(es) whose process had died.")
        super().handle(*args, **options)


def _default_signals() -> None:
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
        signal.signal(number, signal.SIG_DFL)
