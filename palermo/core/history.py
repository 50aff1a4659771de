"""The history component: who changed which field when, from what to what.

Works on any model registered with django-simple-history. Pages render it with the
``web/_history.html`` template; the API serialises the same :class:`FieldChange` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class FieldChange:
    """One field's change in one saved version of a record."""

    at: dt.datetime
    by: str
    action: str  # "created", "changed", "deleted"
    field: str
    label: str
    old: str
    new: str
    reason: str


_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _display(record, field: models.Field) -> str:
    value = getattr(record, field.attname, None)
    if value in (None, ""):
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = getattr(record, field.name, None)
        return str(related) if related is not None else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        labels = getattr(field, "labels", None)  # multi-response fields know their labels
        return ", ".join(labels(value) if labels else map(str, value))
    return str(value)


def field_changes(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> list[FieldChange]:
    """Every field change of *instance*, newest first. Blind indexes and bookkeeping fields
    (not editable) are left out; so are fields named in *exclude*."""
    tracked = [f for f in type(instance)._meta.concrete_fields
               if f.editable and not f.primary_key and f.name not in exclude]
    versions = list(instance.history.select_related("history_user")
                    .order_by("history_date", "history_id"))
    changes: list[FieldChange] = []
    previous = None
    for version in versions:
        action = _ACTIONS.get(version.history_type, version.history_type)
        who = version.history_user.get_username() if version.history_user else "system"
        for field in tracked:
            new = _display(version, field)
            old = _display(previous, field) if previous is not None else ""
            if new != old or (action == "deleted" and old):
                changes.append(FieldChange(
                    at=version.history_date, by=who, action=action, field=field.name,
                    label=str(field.verbose_name), old=old, new=new,
                    reason=version.history_change_reason or ""))
        previous = version
    changes.reverse()
    return changes
