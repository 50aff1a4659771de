"""Where Palermo keeps its data and secrets, read before Django starts.

Configuration comes from the environment. A data directory (``PALERMO_DATA_DIR``, default
``./palermo-data``) holds the SQLite database, generated keys and an optional ``palermo.env``
file of ``KEY=value`` lines; real environment variables win over that file.

Secrets that are not given are generated into the data directory with mode 0600:
``secret-key`` (Django's signing key) and ``field-key`` (the keyring that encrypts identities).
Losing ``field-key`` loses every encrypted identity: back it up apart from the database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV_FILE = "palermo.env"
SECRET_KEY_FILE = "secret-key"
FIELD_KEY_FILE = "field-key"


def data_dir() -> Path:
    """The data directory, from ``PALERMO_DATA_DIR`` or ``./palermo-data``."""
    return Path(os.environ.get("PALERMO_DATA_DIR") or "palermo-data").resolve()


def read_env_file(directory: Path) -> dict[str, str]:
    """The ``KEY=value`` pairs of ``palermo.env`` in *directory* (comments and blanks skipped)."""
    path = directory / ENV_FILE
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ValueError(f"{path}, line {number}: expected KEY=value, found {line!r}")
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip()
    return values


def setting(name: str, default: str | None = None) -> str | None:
    """A setting from the environment, else from ``palermo.env``, else *default*."""
    if name in os.environ:
        return os.environ[name]
    return read_env_file(data_dir()).get(name, default)


def flag(name: str, default: bool) -> bool:
    """A boolean setting: 1/true/yes/on are true, 0/false/no/off are false."""
    value = setting(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}={value!r}: expected true or false")


def write_secret(path: Path, text: str) -> bool:
    """Create *path* with *text*, readable by the owner only (mode 0600). Never overwrites:
    if another process created it first, returns False and leaves that one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def _secret_from_file(name: str, filename: str, make) -> str:
    value = setting(name)
    if value:
        return value
    path = data_dir() / filename
    if not path.exists():
        write_secret(path, make())
    return path.read_text(encoding="utf-8").strip()


def secret_key() -> str:
    """Django's SECRET_KEY: ``PALERMO_SECRET_KEY`` or the generated ``secret-key`` file."""
    return _secret_from_file("PALERMO_SECRET_KEY", SECRET_KEY_FILE,
                             lambda: secrets.token_urlsafe(50))


def new_keyring_text() -> str:
    """A new keyring: one blind-index key and one data key (see ``palermo.core.crypto``)."""
    from palermo.core.crypto import Keyring

    return Keyring.generate().text()


def field_keyring_text() -> str:
    """The field-encryption keyring: ``PALERMO_FIELD_KEY`` or the generated ``field-key`` file."""
    return _secret_from_file("PALERMO_FIELD_KEY", FIELD_KEY_FILE, new_keyring_text)


def field_key_file() -> Path | None:
    """The keyring file when the keyring comes from the data directory, else ``None``."""
    if setting("PALERMO_FIELD_KEY"):
        return None
    return data_dir() / FIELD_KEY_FILE


DEMO_ENV = """# Written by `palermo demo`: settings for a demo on this computer only.
# Two-factor sign-in is relaxed and cookies are sent over plain HTTP (http://127.0.0.1).
# Never use this file with real data.
PALERMO_REQUIRE_2FA=false
PALERMO_HTTPS=false
"""


def prepare_demo_dir(directory: Path) -> bool:
    """Create a demo data directory with its ``palermo.env``; False if it already existed."""
    existed = (directory / ENV_FILE).exists()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not existed:
        (directory / ENV_FILE).write_text(DEMO_ENV, encoding="utf-8")
    return not existed
