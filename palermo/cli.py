"""The ``palermo`` command: Django's command runner with Palermo's settings.

``palermo demo``, ``palermo serve``, ``palermo rotate-key`` and every other management command
(``palermo migrate``, ``palermo send-password-reset`` …). Commands may be written with dashes.
``palermo changepassword`` is refused: nobody sets another person's password.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Commands whose --data-dir must be known before Django reads its settings.
_DATA_DIR_COMMANDS = {"demo", "serve"}

# Django's commands that Palermo closes, and what to use instead.
_REFUSED = {
    "changepassword": "Nobody sets another person's password: send a reset link with "
                      "`palermo send-password-reset USERNAME` (users change their own under "
                      "Password, once signed in).",
}


def _data_dir_option(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--data-dir" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--data-dir="):
            return arg.split("=", 1)[1]
    return None


def _scratch_environment(argv: list[str]) -> None:
    """``palermo bench`` never measures an install: a fresh temporary data directory, and
    SQLite unless an (empty) database is named with --database-url."""
    import tempfile

    os.environ["PALERMO_DATA_DIR"] = tempfile.mkdtemp(prefix="palermo-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("PALERMO_FIELD_KEY", None)
    os.environ.pop("PALERMO_SECRET_KEY", None)
    os.environ["PALERMO_REQUIRE_2FA"] = "false"
    os.environ["PALERMO_HTTPS"] = "false"
    for i, arg in enumerate(argv):
        if arg == "--database-url" and i + 1 < len(argv):
            os.environ["DATABASE_URL"] = argv[i + 1]
        elif arg.startswith("--database-url="):
            os.environ["DATABASE_URL"] = arg.split("=", 1)[1]


def main(argv: list[str] | None = None) -> None:
    """Run a management command; ``palermo rotate-key`` is ``manage.py rotate_key``."""
    argv = list(sys.argv if argv is None else argv)
    command = argv[1].replace("-", "_") if len(argv) > 1 and not argv[1].startswith("-") else ""
    if command in _REFUSED:
        sys.stderr.write(f"palermo {argv[1]}: {_REFUSED[command]}\n")
        raise SystemExit(2)
    if command:
        argv[1] = command
    if command in _DATA_DIR_COMMANDS:
        chosen = _data_dir_option(argv[2:])
        if chosen:
            os.environ["PALERMO_DATA_DIR"] = str(Path(chosen).resolve())
    if command == "demo":
        from palermo import config

        config.prepare_demo_dir(config.data_dir())
    if command == "bench":
        _scratch_environment(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
