"""Fixtures of the case-module tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import ConnectionHandler


@pytest.fixture
def scratch_database(tmp_path):
    """A separate, empty SQLite database for migrating back and forth, so the test database
    (and the reference data its migrations loaded) is never touched."""
    alias = "migration_check"
    scratch = {"ENGINE": "django.db.backends.sqlite3",
               "NAME": str(tmp_path / "migrations.sqlite3")}
    connections[alias] = ConnectionHandler({"default": scratch, alias: scratch})[alias]
    yield connections[alias]
    connections[alias].close()
    del connections[alias]


@dataclass
class Before:
    """A scratch database migrated back to *migration*, with an organisation and a user of
    that time: ``apps`` has the models as they were, ``create`` writes through them."""

    database: object
    apps: object
    organisation: object
    user: object

    def create(self, model: str, **values):
        app, name = model.split(".")
        return self.apps.get_model(app, name).objects.using(self.database.alias).create(
            **values)

    def migrate_to_latest(self) -> None:
        executor = MigrationExecutor(self.database)
        executor.migrate(executor.loader.graph.leaf_nodes("cases"))


@pytest.fixture
def migrated_back(scratch_database):
    """``migrated_back("0005_…")``: the scratch database at that cases migration (see
    :class:`Before`)."""
    def at(migration: str) -> Before:
        target = [("cases", migration)]
        executor = MigrationExecutor(scratch_database)
        executor.migrate(target)
        apps = executor.loader.project_state(target).apps
        before = Before(scratch_database, apps, None, None)
        before.organisation = before.create("core.Organisation", name="Old NGO", type="NGO")
        before.user = before.create("core.User", username="old-caseworker")
        return before
    return at
