"""Files sealed with a passphrase: how identified exports leave Palermo.

Format (version 1)::

    PALERMO-SEALED-1\\n
    {"kdf": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "<base64>", "nonce": "<base64>",
     "name": "<file name inside>"}\\n
    <AES-256-GCM ciphertext and tag of the file, binary>

The key is derived from the passphrase with scrypt (``cryptography``); the header line is
authenticated as associated data, so it cannot be altered without detection. Decrypt with
``palermo decrypt-export FILE --out PATH`` (asks for the passphrase), or with the Python
snippet in ``docs/exchange.md``.
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.utils.translation import gettext as _

MAGIC = b"PALERMO-SEALED-1\n"
MIN_PASSPHRASE = 12
SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1}


class SealError(ValueError):
    """Wrong passphrase, altered or truncated file, or not a sealed file."""


def check_passphrase(passphrase: str) -> None:
    """Refuse passphrases too short to protect identity data."""
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise SealError(_("Choose a passphrase of at least %(n)d characters.")
                        % {"n": MIN_PASSPHRASE})


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def seal(content: bytes, passphrase: str, name: str) -> bytes:
    """*content* encrypted under a key derived from *passphrase*; *name* is the file name
    to restore."""
    check_passphrase(passphrase)
    salt, nonce = os.urandom(16), os.urandom(12)
    header = json.dumps({"kdf": "scrypt", **SCRYPT, "salt": base64.b64encode(salt).decode(),
                         "nonce": base64.b64encode(nonce).decode(), "name": name},
                        sort_keys=True).encode() + b"\n"
    key = _key(passphrase, salt, **SCRYPT)
    return MAGIC + header + AESGCM(key).encrypt(nonce, content, MAGIC + header)


def unseal(sealed: bytes, passphrase: str) -> tuple[str, bytes]:
    """The file name and content of a sealed file, or :class:`SealError`."""
    if not sealed.startswith(MAGIC):
        raise SealError(_("Not a Palermo sealed export."))
    header_end = sealed.find(b"\n", len(MAGIC))
    if header_end < 0:
        raise SealError(_("The file is truncated."))
    header_bytes = sealed[len(MAGIC):header_end + 1]
    try:
        header = json.loads(header_bytes)
        salt = base64.b64decode(header["salt"])
        nonce = base64.b64decode(header["nonce"])
        key = _key(passphrase, salt, int(header["n"]), int(header["r"]), int(header["p"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise SealError(_("The file's header is damaged.")) from exc
    try:
        content = AESGCM(key).decrypt(nonce, sealed[header_end + 1:], MAGIC + header_bytes)
    except InvalidTag as exc:
        raise SealError(_("Wrong passphrase, or the file was altered or truncated.")) from exc
    return str(header.get("name") or "export"), content
