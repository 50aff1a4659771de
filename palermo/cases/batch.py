"""Batches of new records for imports: built and checked by the same field rules as saving
one record at a time.

``new_records`` builds unsaved records, ``record_problems`` checks them (``keyed`` reports
the problems of a batch); :mod:`palermo.cases.writing` writes them.
"""

from __future__ import annotations

from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from palermo.core.fields import BlindIndexField


def quick_check(record: models.Model, memo: dict | None = None) -> None:
    """Field-level validation for batch writes, cheaper than ``full_clean``: required values,
    lengths and choices (single and multi-response), from the model's own field definitions.
    Raises ``ValidationError`` keyed by field name. *memo*: a dict kept by the caller for
    one batch, in which the verdicts on lists of codes (the same few, thousands of times)
    are remembered."""
    errors: dict[str, list[str]] = {}
    for field, allowed in _checked_fields(type(record)):
        value = getattr(record, field.attname)
        try:
            if isinstance(field, models.JSONField):  # multi-response answers, code lists
                if value == [] and field.blank:
                    continue  # nothing answered: always valid, and most common
                _validate_list(field, value, record, memo)
                continue
            if value in (None, ""):
                if not field.blank:
                    raise ValidationError(_("This field cannot be blank."), code="blank")
                continue
            if allowed is not None and value not in allowed:
                raise ValidationError(_("Not an allowed value: %(value)s."),
                                      params={"value": value}, code="invalid_choice")
            if field.max_length and isinstance(value, str) and len(value) > field.max_length:
                raise ValidationError(_("At most %(n)d characters."),
                                      params={"n": field.max_length}, code="max_length")
        except ValidationError as exc:
            errors.setdefault(field.name, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _validate_list(field: models.JSONField, value, record, memo: dict | None) -> None:
    # The checks of these fields read the value only (the record is not consulted).
    if memo is None or type(value) is not list or not all(type(v) is str for v in value):
        field.validate(value, record)
        return
    key = (field, tuple(value))
    messages = memo.get(key)
    if messages is None:
        try:
            field.validate(value, record)
            messages = memo[key] = []
        except ValidationError as exc:
            messages = memo[key] = exc.messages
    if messages:
        raise ValidationError(messages)


@cache
def _checked_fields(model: type[models.Model]) -> tuple:
    checked = []
    for field in model._meta.concrete_fields:
        if field.auto_created or isinstance(field, (models.ForeignKey, BlindIndexField)) \
                or not field.editable and not field.choices:
            continue
        allowed = frozenset(v for v, _label in field.flatchoices) \
            if field.choices and not isinstance(field, models.JSONField) else None
        checked.append((field, allowed or None))
    return tuple(checked)


def new_records(model: type[models.Model], items: list[dict], **common) -> list[models.Model]:
    """Unsaved *model* instances, one per dict of field values (plus *common* values), made
    as ``model(**common, **values)`` makes them but without its keyword matching: a batch
    of thousands builds its records several times faster. Defaults are those of the
    fields (mutable ones fresh for each record); unknown names raise ``TypeError``."""
    fields = model._meta.concrete_fields
    names = {f.attname: f.attname for f in fields} | {
        f.name: f.attname for f in fields if f.is_relation}
    defaults, fresh = {}, []
    for field in fields:
        if field.has_default() and callable(field.default):  # a fresh value per record
            fresh.append((field.attname, field.default))
            defaults[field.attname] = None
        else:
            defaults[field.attname] = field.get_default()
    cached = []  # related objects given in *common*: cached on every record, as Django does
    for key, value in common.items():
        attname = names.get(key)
        if attname is None:
            raise TypeError(f"{model.__name__} has no field {key!r}")
        if attname != key:
            field = model._meta.get_field(key)
            cached.append((field, value))
            value = None if value is None else getattr(value, field.target_field.attname)
        defaults[attname] = value
    order = [f.attname for f in fields]
    records = []
    for values in items:
        row = dict(defaults)
        for attname, make in fresh:
            if attname not in values:
                row[attname] = make()
        for key, value in values.items():
            attname = names.get(key)
            if attname != key:  # a related object, or not a field: Django's way decides
                record = model(**(common | values))
                break
            row[key] = value
        else:
            record = model(*[row[a] for a in order])
            for field, value in cached:
                field.set_cached_value(record, value)
        records.append(record)
    return records


def record_problems(record: models.Model, memo: dict | None = None) -> dict[str, list[str]]:
    """The field checks of a batch write and the model's own rules (``clean``), as
    field -> messages (empty when valid)."""
    # Checked already by a prepare_… function; the batch writers take such records as
    # they are (changing a prepared record before writing it is the caller's error).
    if getattr(record, "_batch_checked", False):
        return {}
    try:
        quick_check(record, memo)
        record.clean()
    except ValidationError as exc:
        return exc.message_dict
    record._batch_checked = True
    return {}


def keyed(errors: dict[int, dict[str, list[str]]]) -> ValidationError:
    """Per-record problems as one ``ValidationError`` keyed ``"<position>.<field>"``."""
    return ValidationError({f"{position}.{name}": messages
                            for position, fields in errors.items()
                            for name, messages in fields.items()})
