"""Saving a changed record so that a refusal leaves no trace, not even in memory."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


def validated_save(record: models.Model) -> None:
    """Validate and save *record*. If validation fails, an existing record is reloaded from
    the database before the error is raised, so the caller never holds a half-changed copy."""
    try:
        record.full_clean()
    except ValidationError:
        if record.pk is not None:
            record.refresh_from_db()
        raise
    record.save()
