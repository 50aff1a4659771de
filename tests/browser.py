"""Browser fixtures for every test module (registered in tests/conftest.py): a real browser
(Debian's chromium, driven by Playwright) and what it refused under the Content-Security-Policy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian chromium is not installed (apt-get install -y chromium)")


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser refused under the Content-Security-Policy while the test ran."""
    return []


@pytest.fixture
def page(django_db_serialized_rollback, live_server, monkeypatch, csp_violations):
    """A chromium page on the live server. The live server's tests empty the database after
    them; the reference data the migrations loaded (countries …) is put back for the next
    (serialized rollback), so that several browser tests can run in one session."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself (not the server's) are safe: one thread, no concurrent use.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox"])
        opened = browser.new_page(viewport={"width": 1100, "height": 1400})
        # Chromium reports each refusal on the console ("Refused to apply inline style …
        # Content Security Policy …").
        opened.on("console", lambda message: csp_violations.append(message.text)
                  if "Content Security Policy" in message.text else None)
        yield opened
        browser.close()
        # The test's queries ran on a database connection of Playwright's context
        # (connections are per context): closed here, or it outlived the test and kept
        # PostgreSQL from dropping the test database.
        connections.close_all()
