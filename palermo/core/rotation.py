"""Key rotation: re-encrypt every stored identity value under the current data key.

Runs while the system is in use. Values are re-encrypted a batch at a time, each batch in its
own short transaction, and each value is replaced only if it is still the ciphertext that was
read (a concurrent edit wins and is picked up by the next pass). Until a value is rewritten,
its old key still decrypts it, so reads never fail during rotation.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast

from palermo.core import crypto
from palermo.core.fields import encrypted_fields


@dataclass
class RotationReport:
    rewritten: int = 0
    rows: int = 0
    tables: set[str] = field(default_factory=set)
    by_old_key: dict[str, int] = field(default_factory=dict)


def encrypted_models() -> Iterator[tuple[type[models.Model], list[models.Field]]]:
    """Every installed model (history tables included) with encrypted fields."""
    for model in apps.get_models():
        found = encrypted_fields(model)
        if found:
            yield model, found


def _raw(model, fields) -> models.QuerySet:
    annotations = {f"raw_{f.attname}": Cast(f.attname, output_field=models.TextField())
                   for f in fields}
    return model._base_manager.annotate(**annotations)


def count_by_key(model, fields) -> dict[str, int]:
    """How many stored values of *model* each key id encrypts."""
    counts: dict[str, int] = {}
    names = [f"raw_{f.attname}" for f in fields]
    for row in _raw(model, fields).values_list(*names).iterator():
        for value in row:
            kid = crypto.key_id_of(value)
            if kid:
                counts[kid] = counts.get(kid, 0) + 1
    return counts


def usage() -> dict[str, int]:
    """Stored encrypted values per key id, across the whole database."""
    total: dict[str, int] = {}
    for model, fields in encrypted_models():
        for kid, n in count_by_key(model, fields).items():
            total[kid] = total.get(kid, 0) + n
    return total


def reencrypt_all(batch_size: int = 500, progress: Callable[[str, int], None] | None = None,
                  max_passes: int = 5) -> RotationReport:
    """Rewrite every value not under the current key; repeat until a pass finds none."""
    report = RotationReport()
    for _ in range(max_passes):
        before = report.rewritten
        for model, fields in encrypted_models():
            _rotate_model(model, fields, batch_size, report, progress)
        if report.rewritten == before:
            break
    return report


def _rotate_model(model, fields, batch_size, report, progress) -> None:
    ring = crypto.keyring()
    current = ring.current_id
    names = [f"raw_{f.attname}" for f in fields]
    pk_name = model._meta.pk.attname
    last_pk = None
    while True:
        qs = _raw(model, fields).order_by(pk_name)
        if last_pk is not None:
            qs = qs.filter(**{f"{pk_name}__gt": last_pk})
        batch = list(qs.values_list(pk_name, *names)[:batch_size])
        if not batch:
            return
        last_pk = batch[-1][0]
        with transaction.atomic():
            for pk, *raws in batch:
                _rotate_row(model, fields, pk_name, pk, raws, ring, current, report)
        if progress:
            progress(model._meta.label, len(batch))


def _rotate_row(model, fields, pk_name, pk, raws, ring, current, report) -> None:
    changes, guards = {}, {}
    for f, raw in zip(fields, raws, strict=True):
        kid = crypto.key_id_of(raw)
        if kid is None or kid == current:
            continue
        context = f"{model._meta.label}.{f.name}"
        plain = ring.decrypt(raw, context)
        changes[f.attname] = models.Value(ring.encrypt(plain, context),
                                          output_field=models.TextField())
        guards[f"raw_{f.attname}"] = raw
        report.by_old_key[kid] = report.by_old_key.get(kid, 0) + 1
    if not changes:
        return
    updated = _raw(model, fields).filter(**{pk_name: pk}, **guards).update(**changes)
    if updated:
        report.rewritten += len(changes)
        report.rows += 1
        report.tables.add(model._meta.db_table)


def write_keyring(path: Path, ring: crypto.Keyring) -> None:
    """Replace the keyring file atomically, keeping its owner, readable by that owner only."""
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)  # a leftover from an interrupted run
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        if path.exists():
            owner = path.stat()
            if (owner.st_uid, owner.st_gid) != (os.getuid(), os.getgid()):
                os.fchown(handle.fileno(), owner.st_uid, owner.st_gid)  # servers keep reading
        handle.write(ring.text())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    crypto.forget_keyring()


@contextmanager
def exclusive(lock_dir: Path) -> Iterator[None]:
    """One rotation at a time: two runs adding keys at once would lose one of them."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / "rotate-key.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RuntimeError("another `palermo rotate-key` is running") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def keyring_file() -> Path | None:
    path = getattr(settings, "PALERMO_FIELD_KEY_FILE", None)
    return Path(path) if path else None
