"""Where job records live: the ``jobs`` connection.

A running job reports its progress, beats its heartbeat and reads its cancel flag while its
own work may hold a long transaction on the main database (an import writes every row in
one transaction). So job records — Palermo's :class:`~palermo.core.models.Job` and the task
queue of django-tasks — are read and written through a connection of their own:

* on PostgreSQL, a second connection to the same database (settings ``DATABASES["jobs"]``
  copies the default), so a job's progress is committed while its import is not;
* on SQLite, which lets one connection write at a time, a database file of its own beside
  the main one (``jobs.sqlite3``): the page that shows progress, the cancel button and the
  queue never wait for an import's write lock.
"""

from __future__ import annotations

from django.conf import settings

JOBS_DB = "jobs"
ROUTED_APPS = frozenset({"django_tasks_db"})
ROUTED_MODELS = frozenset({("core", "job")})


def routed(app_label: str, model_name: str | None) -> bool:
    """Is this model kept on the jobs connection?"""
    return app_label in ROUTED_APPS or (app_label, (model_name or "").lower()) in ROUTED_MODELS


def separate_jobs_database() -> bool:
    """Is the jobs connection a database of its own (SQLite), not the main one?"""
    return bool(getattr(settings, "PALERMO_SEPARATE_JOBS_DATABASE", False))


class JobsRouter:
    """Job records and the task queue on the ``jobs`` connection; everything else on the
    default one. Migrations: a separate jobs database gets the job tables only; a shared one
    is migrated through the default connection alone."""

    def db_for_read(self, model, **hints):
        return JOBS_DB if routed(model._meta.app_label, model._meta.model_name) else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if not separate_jobs_database():
            return db != JOBS_DB
        if db == JOBS_DB:
            return routed(app_label, model_name)
        return not routed(app_label, model_name)
