"""A killed import: the real command in a process of its own, killed (SIGKILL) while it
writes. Its batch was recorded when it started, so the list of imports shows it — as
interrupted, once its job's heartbeat is silent — and nothing of its rows was written.
On SQLite always; on PostgreSQL too when DATABASE_URL names one (a scratch database beside
it is created and dropped)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from palermo_bench.htcds_import import as_csv, synthetic_rows

PALERMO = [sys.executable, "-c", "from palermo.cli import main; main()"]
SETUP = """
from django.core.management import call_command
from palermo.web.management.commands.serve import migrate_all
migrate_all()
from palermo.core import grants
from palermo.core.models import AccessLog, Membership
call_command("add_member", "fatima", "NGO A", "supervisor", "--create-organisation", "NGO",
             "--country", "NGA")
# The installation's first administrator confirms the supervisor (two people open identities).
call_command("add_member", "root", "HQ", "admin", "--create-organisation",
             "InternationalOrganisation")
grants.confirm(Membership.objects.get(user__username="root"),
               Membership.objects.get(user__username="fatima"), channel=AccessLog.Channel.CLI)
"""
# What the list of imports shows, and what is in the database.
LOOK = """
import json
from palermo.cases.models import Case, Person
from palermo.core.models import Job
from palermo.exchange import jobs
from palermo.exchange.models import ImportBatch
listed = jobs.with_outcome(ImportBatch.objects.all())
print(json.dumps({"batches": [[b.status, b.outcome.value] for b in listed],
                  "jobs": [j.status for j in Job.objects.all()],
                  "persons": Person.objects.count(), "cases": Case.objects.count()}))
"""


def _postgres_scratch():
    """A scratch PostgreSQL database beside DATABASE_URL's (created, then dropped)."""
    url = os.environ["DATABASE_URL"]
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_killed"
    import psycopg

    def admin(sql):
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}"')
    admin(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def install(request, tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PALERMO_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update(PALERMO_DATA_DIR=str(tmp_path / "data"), PALERMO_JOB_STALE_SECONDS="2",
               DJANGO_SETTINGS_MODULE="palermo.settings")
    drop = None
    if request.param == "postgresql":
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            pytest.skip("DATABASE_URL names no PostgreSQL database")
        env["DATABASE_URL"], drop = _postgres_scratch()
    _python(SETUP, env)
    yield request.param, env
    if drop:
        drop()


def _python(code: str, env: dict) -> str:
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _progress(kind: str, env: dict) -> tuple[str, int]:
    """The job's stage and rows done, read as the page reads them."""
    query = "SELECT stage, done FROM core_job ORDER BY created_at DESC LIMIT 1"
    if kind == "sqlite":
        path = Path(env["PALERMO_DATA_DIR"]) / "palermo-jobs.sqlite3"
        if not path.exists():
            return "", 0
        with sqlite3.connect(path, timeout=5) as connection:
            row = connection.execute(query).fetchone()
    else:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as connection:
            row = connection.execute(query).fetchone()
    return row or ("", 0)


def test_a_killed_import_is_shown_interrupted_and_wrote_nothing(install, tmp_path):
    kind, env = install
    path = tmp_path / "cases.csv"
    path.write_bytes(as_csv(synthetic_rows(20_000, "fatima")))
    importer = subprocess.Popen(PALERMO + ["import-htcds", str(path), "--org", "NGO A"],
                                env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and importer.poll() is None:
            stage, done = _progress(kind, env)
            if stage == "write" and 0 < done < 20_000:
                break
            time.sleep(0.1)
        assert importer.poll() is None, "the import ended before it could be killed"
    finally:  # the import and its checking workers, as `kill -9` on the group would
        os.killpg(importer.pid, signal.SIGKILL)
        importer.wait()
    assert done > 0  # it had written rows (in its transaction) when it was killed
    time.sleep(3)  # the heartbeat's silence outlasts PALERMO_JOB_STALE_SECONDS
    seen = json.loads(_python(LOOK, env))
    assert seen == {"batches": [["running", "interrupted"]], "jobs": ["running"],
                    "persons": 0, "cases": 0}
    # The worker, when it starts, records what it finds interrupted.
    subprocess.run(PALERMO + ["db_worker", "--batch", "--no-startup-delay"], env=env,
                   capture_output=True, timeout=300, check=True)
    seen = json.loads(_python(LOOK, env))
    assert seen == {"batches": [["interrupted", "interrupted"]], "jobs": ["interrupted"],
                    "persons": 0, "cases": 0}
