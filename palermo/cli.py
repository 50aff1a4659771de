"""The ``palermo`` command: Django's command runner with Palermo's settings.

``palermo demo``, ``palermo serve``, ``palermo rotate-key`` and every other management command
(``palermo migrate``, ``palermo changepassword`` …). Commands may be written with dashes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Commands whose --data-dir must be known before Django reads its settings.
_DATA_DIR_COMMANDS = {"demo", "serve"}


def _data_dir_option(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--data-dir" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--data-dir="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> None:
    """Run a management command; ``palermo rotate-key`` is ``manage.py rotate_key``."""
    argv = list(sys.argv if argv is None else argv)
    command = argv[1].replace("-", "_") if len(argv) > 1 and not argv[1].startswith("-") else ""
    if command:
        argv[1] = command
    if command in _DATA_DIR_COMMANDS:
        chosen = _data_dir_option(argv[2:])
        if chosen:
            os.environ["PALERMO_DATA_DIR"] = str(Path(chosen).resolve())
    if command == "demo":
        from palermo import config

        config.prepare_demo_dir(config.data_dir())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
