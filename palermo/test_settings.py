"""Settings for the test suite: Palermo's settings with throw-away keys and a fast hasher.

Runs on SQLite in a temporary directory, or on the database named by ``DATABASE_URL``.
"""

import os
import tempfile

os.environ.setdefault("PALERMO_DATA_DIR", tempfile.mkdtemp(prefix="palermo-test-"))
os.environ.setdefault("PALERMO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
# A fixed keyring so failures are reproducible; generated for tests only.
os.environ.setdefault(
    "PALERMO_FIELD_KEY",
    "index:q3lM0H4o8Sk7tkp0Wz0t0uYbq8b6J2C7b7m8ZC5HMxA\n"
    "k1:Lw3oM1y7kYtD8YB6w2x7I9uQ3nR0bF5cV1zJ4gH2sKk\n")
os.environ.setdefault("PALERMO_HTTPS", "false")

from palermo.settings import *  # noqa: E402,F403

# Argon2 stays the hasher (it is what production uses) with costs low enough for tests.
PASSWORD_HASHERS = ["palermo.core.hashers.FastArgon2PasswordHasher"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Jobs run at once, in the test's own process and transaction; tests/core/test_jobs.py runs
# the database backend and its worker for real.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
