"""Fixtures of the case-module tests."""

from __future__ import annotations

import pytest
from django.db import connections
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
