"""What the database remembers of the field-encryption keyring: only a fingerprint."""

from __future__ import annotations

from django.db import models


class KeyringFingerprint(models.Model):
    """One row: an HMAC made with the blind-index key, so that a process started with the
    wrong keyring is stopped before it writes anything (``palermo.core.crypto``)."""

    digest = models.CharField(max_length=64)
    recorded = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"keyring {self.digest[:12]}…"
