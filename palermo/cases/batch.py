"""Batch writing for imports: the same field rules, encryption, history and blind indexes as
saving one record at a time, written with one statement per few thousand rows.

``new_records`` builds unsaved records, ``record_problems`` checks them, and
``insert_new_records`` writes them with their history rows; ``batch_writing`` widens SQLite's
page cache meanwhile. ``tests/cases/test_bulk_equivalence.py`` checks that a batch stores
exactly what one-by-one saving stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from palermo.core import crypto
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


def _simple(field: models.Field) -> bool:
    """Fields whose Python value is already what the database takes (no conversion)."""
    return type(field) in (models.CharField, models.TextField, models.IntegerField,
                           models.PositiveIntegerField, models.PositiveSmallIntegerField,
                           models.BigIntegerField, models.BooleanField, models.ForeignKey)


def _preparers(fields, connection) -> list:
    prepare = []
    sqlite = connection.vendor == "sqlite"
    for field in fields:
        if _simple(field) or isinstance(field, BlindIndexField):
            prepare.append(None)  # blind indexes are computed by pre_save of the record
        elif sqlite and type(field) is models.DateField:
            prepare.append(_iso)  # what Django's SQLite backend stores
        elif sqlite and isinstance(field, models.JSONField) and field.encoder is None \
                and not getattr(field, "encrypted", False):
            prepare.append(_json)
        elif getattr(field, "encrypted", False):
            # What get_db_prep_save comes to for an encrypted field, with the keyring and
            # the field's identity taken once for the batch.
            prepare.append(field.sealer())
        elif isinstance(field, models.DateTimeField):
            prepare.append(_last_value(lambda value, f=field: f.get_db_prep_save(value,
                                                                                 connection)))
        else:
            prepare.append(lambda value, f=field: f.get_db_prep_save(value, connection))
    return prepare


def _last_value(convert):
    """*convert*, remembering its last result: a batch's timestamps are all the same."""
    last: list = [object(), None]

    def converted(value):
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]
    return converted


def _iso(value):
    return None if value is None else value.isoformat()


_json_texts: dict[tuple, str] = {}


def _json(value):
    # As Django's SQLite backend adapts JSON (json.dumps). Lists of codes repeat the same
    # few values thousands of times: their text is remembered.
    if type(value) is list:
        key = tuple(value)
        try:
            text = _json_texts.get(key)
        except TypeError:  # lists inside
            return json.dumps(value)
        if text is None:
            text = json.dumps(value)
            # Only lists of strings are kept: a list equal to one of them is one of them
            # (1 == 1.0 == True would not write the same).
            if len(_json_texts) < 10_000 and all(type(v) is str for v in value):
                _json_texts[key] = text
        return text
    return None if value is None else json.dumps(value)


def _next_ids(model: type[models.Model], count: int, connection) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # AUTOINCREMENT keeps the highest id ever used in sqlite_sequence; the write lock
            # taken by the insert that follows makes a concurrent writer fail, not collide.
            cursor.execute("SELECT MAX(seq) FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()[0] or 0
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
            start = max(seq, cursor.fetchone()[0] or 0) + 1
            return list(range(start, start + count))
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [table, count])
        return [row[0] for row in cursor.fetchall()]


def _executemany(model: type[models.Model], fields: list, rows: list[list], connection,
                 chunk: int = 2000) -> None:
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) " \
          f"VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[start:start + chunk])


# Page cache (KiB) for a batch on SQLite: the default 2 MiB is smaller than the indexes a
# batch of thousands of rows touches, and pages were read again and again.
BATCH_CACHE_KIB = 131_072


@contextmanager
def batch_writing(using: str = "default") -> Iterator[None]:
    """Write a batch (imports): on SQLite, a page cache large enough for the indexes the
    batch touches, for the duration of the block (then the previous size again)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{BATCH_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


# How insert_new_records reads each field of a record.
_READ, _STAMP, _INDEX, _PRE_SAVE, _SEAL = range(5)


def _reading_plan(fields) -> list[tuple[str, int, models.Field]]:
    plan = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            how = _STAMP
        elif isinstance(field, BlindIndexField):
            how = _INDEX
        elif getattr(field, "encrypted", False) and type(field).pre_save is models.Field.pre_save:
            how = _SEAL  # read the attribute; encrypted ahead by preseal(), or now
        elif type(field).pre_save is not models.Field.pre_save:
            how = _PRE_SAVE
        else:
            how = _READ  # Field.pre_save only reads the attribute
        plan.append((field.attname, how, field))
    return plan


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


def insert_new_records(records: list[models.Model], user) -> None:
    """Insert new *records* of one model, and their creation ("+") rows in the model's
    history by *user*, with ``executemany``. Each value goes through its field's own
    conversion — encrypted fields encrypt, blind indexes are computed — exactly as a save
    would; only the per-object ORM machinery is skipped. Records get their primary keys.
    Call inside a transaction, after validating the records."""
    if not records:
        return
    model = type(records[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor not in ("sqlite", "postgresql"):  # pragma: no cover
        bulk_create_with_history(records, model, default_user=user)
        return
    for record, pk in zip(records, _next_ids(model, len(records), connection), strict=True):
        record.pk = pk
    fields = list(model._meta.concrete_fields)
    now = timezone.now()  # one batch, one moment: auto_now(_add) fields all take it
    rows = []
    with crypto.pinned_keyring():
        prepare = _preparers(fields, connection)
        plan = [(*step, convert) for step, convert in zip(_reading_plan(fields), prepare,
                                                           strict=True)]
        for record in records:
            known = getattr(record, "_blind_digests", None) or {}  # from identity_digests()
            sealed = getattr(record, "_sealed", None)  # from preseal()
            attributes = record.__dict__  # a new record holds every field's value there
            row = []
            for attname, how, field, convert in plan:
                if how == _SEAL:
                    value = attributes[attname] if attname in attributes \
                        else getattr(record, attname)
                    row.append(_stored(value, sealed.get(attname) if sealed else None, convert))
                    continue
                if how == _READ:
                    value = attributes[attname] if attname in attributes \
                        else getattr(record, attname)
                elif how == _STAMP:
                    value = now
                    setattr(record, attname, now)
                elif how == _INDEX and attname in known:
                    value = known[attname]
                    setattr(record, attname, value)
                else:
                    value = field.pre_save(record, True)
                row.append(value if convert is None else convert(value))
            rows.append(row)
        _executemany(model, fields, rows, connection)
        history = getattr(model, "history", None)
        if history is not None:
            _insert_history(history.model, records, rows, fields, user, connection)


def insert_values(model: type[models.Model], items: list[dict]) -> list[int]:
    """Insert new rows of *model* straight from their values (attname -> value; a field not
    given takes its default, as ``Model(**values)`` would), with the conversions
    :func:`insert_new_records` makes but without building a model instance per row — for
    plain tables written in bulk, such as the fact rows. Returns the new primary keys.
    Models with history, encrypted fields or blind indexes go through
    :func:`insert_new_records`."""
    fields = list(model._meta.concrete_fields)
    if hasattr(model, "history") or any(getattr(f, "encrypted", False)
                                        or isinstance(f, BlindIndexField) for f in fields):
        raise ValueError(f"{model.__name__}: use insert_new_records")
    if not items:
        return []
    connection = connections[router.db_for_write(model)]
    ids = _next_ids(model, len(items), connection)
    now = timezone.now()
    plan = []  # (attname, is the key, timestamp or None, default, converter)
    for field, convert in zip(fields, _preparers(fields, connection), strict=True):
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        plan.append((field.attname, field.primary_key, now if stamped else None,
                     field.get_default(), convert))  # as Model(**values) would default
    known = {attname for attname, *_rest in plan}
    rows = []
    for pk, values in zip(ids, items, strict=True):
        if not values.keys() <= known:
            raise TypeError(f"{model.__name__} has no field "
                            f"{sorted(values.keys() - known)[0]!r}")
        row = []
        for attname, primary, stamp, default, convert in plan:
            if primary:
                value = pk
            elif stamp is not None:
                value = stamp
            else:
                value = values.get(attname, default)
            row.append(value if convert is None else convert(value))
        rows.append(row)
    _executemany(model, fields, rows, connection)
    return ids


def _insert_history(history_model, records, rows, fields, user, connection) -> None:
    """The history rows of new *records*, from the *rows* just written for them: the same
    database values, except encrypted ones, which are encrypted again for the history
    table (the field's identity is part of what a ciphertext authenticates)."""
    fixed = {"history_date": timezone.now(), "history_type": "+",
             "history_user_id": user.pk if user else None, "history_change_reason": None}
    written = {f.attname: position for position, f in enumerate(fields)}
    columns = [f for f in history_model._meta.concrete_fields if f.attname != "history_id"]
    prepare = dict(zip([f.attname for f in columns], _preparers(columns, connection),
                       strict=True))
    fixed = {name: value if prepare[name] is None else prepare[name](value)
             for name, value in fixed.items()}
    # Each column: (position in the written row, history field to encrypt, or a constant).
    plan: list[tuple] = []
    for field in columns:
        if field.attname in fixed:
            plan.append((None, None, fixed[field.attname]))
        elif getattr(field, "encrypted", False):
            plan.append((None, (field.attname, prepare[field.attname]), None))
        else:
            plan.append((written[field.attname], None, None))
    history_rows = []
    for record, row in zip(records, rows, strict=True):
        sealed = getattr(record, "_history_sealed", None) or {}  # from preseal()
        history_rows.append([
            row[position] if position is not None
            else _stored(getattr(record, seal[0]), sealed.get(seal[0]), seal[1])
            if seal is not None
            else constant
            for position, seal, constant in plan])
    _executemany(history_model, columns, history_rows, connection)


def preseal(records: list[models.Model]) -> None:
    """Encrypt the identity fields of new *records* (one model) ahead of
    :func:`insert_new_records`, for the record's table and its history table — in an import
    worker process, say, while the importing process writes. Each ciphertext is kept with
    the value it encrypts: a value changed afterwards is encrypted again when written."""
    if not records:
        return
    model = type(records[0])
    live = [(f.attname, f.sealer()) for f in model._meta.concrete_fields
            if getattr(f, "encrypted", False)]
    history = getattr(model, "history", None)
    names = {name for name, _seal in live}
    past = [(f.attname, f.sealer()) for f in history.model._meta.concrete_fields
            if f.attname in names] if history is not None else []
    for record in records:
        values = record.__dict__
        record._sealed = {name: (values[name], seal(values[name])) for name, seal in live}
        record._history_sealed = {name: (values[name], seal(values[name]))
                                  for name, seal in past}


def _stored(value, sealed: tuple | None, convert):
    """The stored form of an encrypted *value*: its ciphertext from :func:`preseal` while
    the value is still the one encrypted, else *convert* (the field's sealer) now."""
    if sealed is not None and sealed[0] == value:
        return sealed[1]
    return convert(value)


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
