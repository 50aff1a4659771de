"""Field encryption (AES-256-GCM) and blind indexes (HMAC-SHA256) for identity data.

The keyring is text: one ``id:base64key`` entry per line (or separated by ``;``). The entry
``index`` is the blind-index key; the other entries are data keys, and the **last** data key
is the current one that encrypts new values. Older data keys stay to decrypt values that have
not been re-encrypted yet (``palermo rotate-key``).

A stored value looks like ``v1.<key id>.<base64(nonce ‖ ciphertext ‖ tag)>``. The nonce is
fresh for every value; the field's identity (``app.Model.field``) and the key id are
authenticated as associated data, so an altered ciphertext, or one copied into another field,
raises :class:`FieldDecryptionError` instead of returning garbage.

Not bound to the row: someone who can write the database could move a whole value from one
person's row to another's — just as they could change the row's organisation column, which no
encryption protects. Integrity against database writers rests on database access control and
on the history tables; the encryption keeps identities secret from database readers.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import csv
import hashlib
import hmac
import os
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
INDEX_KEY_ID = "index"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_NONCE_BYTES = 12


class KeyringError(ValueError):
    """The keyring text is malformed."""


class FieldDecryptionError(Exception):
    """A stored value could not be decrypted and authenticated."""


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Keyring:
    """The keys in force: one blind-index key and an ordered set of data keys."""

    index_key: bytes
    data_keys: tuple[tuple[str, bytes], ...]

    @property
    def current_id(self) -> str:
        return self.data_keys[-1][0]

    def data_key(self, key_id: str) -> bytes | None:
        for kid, key in self.data_keys:
            if kid == key_id:
                return key
        return None

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """Read keyring text; raises :class:`KeyringError` naming the faulty entry."""
        index_key = None
        data: list[tuple[str, bytes]] = []
        entries = [e.strip() for e in re.split(r"[;\n]", text) if e.strip()
                   and not e.strip().startswith("#")]
        for position, entry in enumerate(entries, start=1):
            kid, sep, encoded = entry.partition(":")
            if not sep or not _KEY_ID.match(kid):
                raise KeyringError(f"keyring entry {position}: expected 'id:base64key'")
            try:
                key = _b64decode(encoded.strip())
            except (binascii.Error, ValueError) as exc:
                raise KeyringError(f"keyring entry {position} ({kid}): not base64") from exc
            if len(key) != 32:
                raise KeyringError(f"keyring entry {position} ({kid}): key must be 32 bytes, "
                                   f"found {len(key)}")
            if kid == INDEX_KEY_ID:
                index_key = key
            elif any(existing == kid for existing, _ in data):
                raise KeyringError(f"keyring entry {position}: key id {kid!r} appears twice")
            else:
                data.append((kid, key))
        if index_key is None:
            raise KeyringError("keyring has no 'index' entry (the blind-index key)")
        if not data:
            raise KeyringError("keyring has no data key")
        return cls(index_key=index_key, data_keys=tuple(data))

    def text(self) -> str:
        """The keyring as text, in the format :meth:`parse` reads."""
        lines = [f"{INDEX_KEY_ID}:{_b64encode(self.index_key)}"]
        lines += [f"{kid}:{_b64encode(key)}" for kid, key in self.data_keys]
        return "\n".join(lines) + "\n"

    def with_new_data_key(self) -> Keyring:
        """This keyring plus a fresh data key that becomes the current one. Key ids are
        random, so a new key never takes the id of a retired one, and two keyrings made
        apart from each other never share an id."""
        taken = {kid for kid, _ in self.data_keys}
        kid = new_key_id()
        while kid in taken:
            kid = new_key_id()
        return Keyring(self.index_key, self.data_keys + ((kid, secrets.token_bytes(32)),))

    @classmethod
    def generate(cls) -> Keyring:
        """A new keyring: a blind-index key and one data key."""
        return cls(secrets.token_bytes(32), ((new_key_id(), secrets.token_bytes(32)),))

    def fingerprint(self) -> str:
        """Identifies the blind-index key (which never rotates) without revealing it."""
        return hmac.new(self.index_key, b"palermo keyring fingerprint v1",
                        hashlib.sha256).hexdigest()

    def without(self, key_id: str) -> Keyring:
        """This keyring with data key *key_id* retired (it must not be the current one)."""
        if key_id == self.current_id:
            raise KeyringError(f"{key_id} is the current key and cannot be retired")
        if self.data_key(key_id) is None:
            raise KeyringError(f"{key_id} is not in the keyring")
        return Keyring(self.index_key, tuple(k for k in self.data_keys if k[0] != key_id))

    # -- encryption ---------------------------------------------------------------------
    def encrypt(self, plaintext: str, context: str) -> str:
        """Encrypt *plaintext* for the field named by *context* under the current key."""
        return self.encryptor(context)(plaintext)

    def encryptor(self, context: str) -> Callable[[str], str]:
        """:meth:`encrypt` for many values of one field: key, cipher and associated data
        are prepared once."""
        kid, key = self.data_keys[-1]
        aead, aad, prefix = _aead(key), _aad(context, kid), f"{VERSION}.{kid}."

        def encrypt(plaintext: str) -> str:
            nonce = os.urandom(_NONCE_BYTES)
            return prefix + _b64encode(nonce + aead.encrypt(nonce, plaintext.encode("utf-8"),
                                                            aad))
        return encrypt

    def decrypt(self, stored: str, context: str) -> str:
        """Decrypt a stored value of the field named by *context*, or raise clearly."""
        version, kid, payload = _split(stored, context)
        if version != VERSION:
            raise FieldDecryptionError(f"{context}: unknown ciphertext version {version!r}")
        key = self.data_key(kid)
        if key is None:
            raise FieldDecryptionError(
                f"{context}: value is encrypted under key {kid!r}, which is not in the keyring")
        try:
            raw = _b64decode(payload)
        except (binascii.Error, ValueError) as exc:
            raise FieldDecryptionError(f"{context}: ciphertext is not valid base64") from exc
        if len(raw) < _NONCE_BYTES + 16:
            raise FieldDecryptionError(f"{context}: ciphertext is truncated")
        try:
            plain = _aead(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(context, kid))
        except InvalidTag as exc:
            raise FieldDecryptionError(
                f"{context}: ciphertext failed authentication (altered, or moved from another "
                "field)") from exc
        return plain.decode("utf-8")

    def blind_index(self, value: str, purpose: str) -> str:
        """HMAC-SHA256 of the normalised *value*, separated by *purpose* (hex digest)."""
        message = f"{purpose}\x00{normalise(value)}".encode()
        return hmac.digest(self.index_key, message, "sha256").hex()


def new_key_id() -> str:
    """A random data-key id such as ``k3f9a1c``."""
    return "k" + secrets.token_hex(3)


def key_id_of(stored: str) -> str | None:
    """The key id a stored value was encrypted under (``None`` for empty values)."""
    if not stored:
        return None
    parts = stored.split(".", 2)
    return parts[1] if len(parts) == 3 else None


def _split(stored: str, context: str) -> tuple[str, str, str]:
    parts = stored.split(".", 2)
    if len(parts) != 3:
        raise FieldDecryptionError(f"{context}: stored value is not a Palermo ciphertext")
    return parts[0], parts[1], parts[2]


@lru_cache(maxsize=64)
def _aad(context: str, kid: str) -> bytes:
    return f"palermo|{VERSION}|{context}|{kid}".encode()


@lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    # Building the cipher object costs more than sealing a short value with it.
    return AESGCM(key)


def normalise(value: str) -> str:
    """Case-folded, accents stripped, whitespace collapsed, and letters that look like an
    ASCII letter written as that letter: 'Ámína  Bello' → 'amina bello', and 'Aleхander'
    with a Cyrillic х → 'alexander' (the Unicode confusables data, ``data/confusables.csv``).
    Changing this changes every blind-index digest: it goes with a data migration that
    recomputes them (``cases/migrations/0009_confusable_blind_index.py``)."""
    if value.isascii():  # nothing to decompose or to map; ASCII case-folding is lower()
        return " ".join(value.lower().split())
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Case-folded first, then mapped: so 'ВАНЯ' and 'Ваня' stay the same name (mapping the
    # capitals first would turn Н into h and leave н as it is).
    return " ".join(stripped.casefold().translate(_confusables()).split())


@lru_cache(maxsize=1)
def _confusables() -> dict[int, str]:
    """Code point -> the (lower-case) ASCII letter it looks like (``data/confusables.csv``,
    built by ``tools/build_confusables.py``)."""
    path = Path(__file__).parent / "data" / "confusables.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {ord(row["character"]): row["ascii"].lower() for row in csv.DictReader(handle)}


# -- the keyring in force --------------------------------------------------------------------
_cache: dict[str, object] = {}
# How often a running process looks whether the keyring file changed (a rotation started).
RECHECK_SECONDS = 1.0


# The keyring pinned by :func:`pinned_keyring` for the work in progress (a batch).
_pinned: contextvars.ContextVar[Keyring | None] = contextvars.ContextVar("palermo_keyring",
                                                                          default=None)


def keyring() -> Keyring:
    """The keyring in force. A keyring file is looked at again at most once a second and
    re-read when it changed, so running servers pick up a rotated key without restarting.
    A newly read keyring is checked against the fingerprint the database keeps (see
    :func:`check_fingerprint`). Inside :func:`pinned_keyring`, the pinned one."""
    ring = _pinned.get()
    if ring is not None:
        return ring
    return _current()


@contextmanager
def pinned_keyring() -> Iterator[Keyring]:
    """Use one keyring, read once, for everything encrypted or indexed inside the block (a
    batch of thousands of values): a batch is written under one key, and the keyring file
    is not looked at again for every value. Nested blocks keep the outer keyring."""
    ring = _pinned.get()
    if ring is not None:
        yield ring
        return
    ring = _current()
    token = _pinned.set(ring)
    try:
        yield ring
    finally:
        _pinned.reset(token)


def _current() -> Keyring:
    from django.conf import settings

    path = getattr(settings, "PALERMO_FIELD_KEY_FILE", None)
    if path is None:
        text = settings.PALERMO_FIELD_KEYRING
        if _cache.get("text") != text:
            ring = Keyring.parse(text)
            check_fingerprint(ring)
            _cache["env_ring"] = ring
            _cache["text"] = text
        return _cache["env_ring"]  # type: ignore[return-value]
    path = str(path)
    now = time.monotonic()
    if _cache.get("path") == path and now - _cache["checked"] < RECHECK_SECONDS:  # type: ignore[operator]
        return _cache["ring"]  # type: ignore[return-value]
    stamp = os.stat(path).st_mtime_ns
    if _cache.get("path") != path or _cache.get("stamp") != stamp:
        with open(path, encoding="utf-8") as handle:
            ring = Keyring.parse(handle.read())
        if _cache.get("path") != path or ring.index_key != _cache["ring"].index_key:  # type: ignore[attr-defined]
            check_fingerprint(ring)
        _cache["ring"] = ring
        _cache["stamp"] = stamp
        _cache["path"] = path
    _cache["checked"] = now
    return _cache["ring"]  # type: ignore[return-value]


def check_fingerprint(ring: Keyring) -> None:
    """Refuse a keyring that is not the one this database was encrypted with.

    The first keyring to encrypt anything records its fingerprint in the database. A later
    process started with another keyring — a lost or mixed-up ``field-key`` file, a missing
    ``PALERMO_FIELD_KEY`` — stops here with a clear error instead of writing values nobody
    can read or reporting intact values as tampered.
    """
    from django.apps import apps
    from django.db import connection

    # Through the app registry: the models' encrypted fields use this module.
    KeyringFingerprint = apps.get_model("core", "KeyringFingerprint")  # noqa: N806
    table = KeyringFingerprint._meta.db_table
    if table not in connection.introspection.table_names():
        return  # before the first migration
    mine = ring.fingerprint()
    stored, _ = KeyringFingerprint.objects.get_or_create(pk=1, defaults={"digest": mine})
    if stored.digest != mine:
        raise KeyringError(
            "The field-encryption keyring does not belong to this database: the identities "
            "in it were encrypted with another keyring. Restore the right keyring (the "
            "'field-key' file in the data directory, or PALERMO_FIELD_KEY) and restart. "
            "Do not write data with this keyring.")


def forget_keyring() -> None:
    """Drop the cached keyring (after this process rewrote the keyring file itself)."""
    _cache.clear()
