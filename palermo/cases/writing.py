"""Writing new records in bulk: the same conversions, encryption, blind indexes and history
rows as saving one record at a time, with one statement per few thousand rows.

``insert_new_records`` writes records (built and checked by :mod:`palermo.cases.batch`) and
their history rows; ``preseal`` does ahead of it, in an import worker process say, all it can
without the database: encrypting, computing the blind indexes and making each record's row.
``insert_values`` writes plain rows (the fact table) without model instances, and
``batch_writing`` widens SQLite's page cache meanwhile. ``tests/cases/test_bulk_equivalence.py``
checks that a batch stores exactly what one-by-one saving stores.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, models, router
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from palermo.core import crypto
from palermo.core.fields import BlindIndexField


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


class _RowPlan:
    """How the rows of a model's new records are made: their columns (plain values first,
    read all at once; then those converted one by one — an INSERT's column order is
    free), and the values set only when writing: the key, the timestamps and *later*
    (fields the writer fills in, such as a case's person and number)."""

    def __init__(self, model: type[models.Model], connection, later: tuple[str, ...] = ()):
        fields = list(model._meta.concrete_fields)
        steps = [(*step, convert) for step, convert in zip(
            _reading_plan(fields), _preparers(fields, connection), strict=True)]
        plain = [step for step in steps if step[1] == _READ and step[3] is None]
        converted = [step for step in steps if not (step[1] == _READ and step[3] is None)]
        self.fields = [step[2] for step in plain + converted]
        self.plain = [step[0] for step in plain]
        self.read = _values_of(self.plain)
        self.converted = converted
        self.key = tuple(f.attname for f in self.fields)  # identifies the column order
        wanted = {model._meta.pk.attname, *(model._meta.get_field(name).attname
                                            for name in later)}
        self.fixed_late = [(position, attname, how == _STAMP, convert)
                           for position, (attname, how, _field, convert)
                           in enumerate(plain + converted)
                           if attname in wanted or how == _STAMP]
        late = {attname for _position, attname, _stamp, _convert in self.fixed_late}
        # The values a rendered row was made from: if any differs when writing, the row is
        # made again.
        self.snapshot = _values_of([a for a in self.key if a not in late])

    def render(self, record: models.Model, sealed: dict | None = None,
               again: bool = False) -> list:
        """The stored values of *record* (those set when writing left as they are now).
        *sealed*: its encrypted fields' ``(value, ciphertext)``, made by :func:`preseal`.
        *again*: the record changed since it was made ready; digests are computed anew."""
        known = {} if again else getattr(record, "_blind_digests", None) or {}
        attributes = record.__dict__  # a new record holds every field's value there
        try:
            row = list(self.read(attributes))
        except KeyError:  # a value not loaded: read as Django reads it
            row = [getattr(record, attname) for attname in self.plain]
        for attname, how, field, convert in self.converted:
            if how == _STAMP:
                row.append(None)  # set when writing
                continue
            if how in (_SEAL, _READ):
                value = attributes[attname] if attname in attributes \
                    else getattr(record, attname)
                if how == _SEAL:
                    row.append(_stored(value, sealed.get(attname) if sealed else None,
                                       convert))
                    continue
            elif how == _INDEX and attname in known:
                value = known[attname]
                setattr(record, attname, value)
            else:
                value = field.pre_save(record, True)
            row.append(value if convert is None else convert(value))
        return row

    def row(self, record: models.Model, now) -> list:
        """The row to write for *record*: rendered ahead by :func:`preseal` (in this column
        order), or now; with the key, the timestamps (*now*) and the *later* fields."""
        rendered = getattr(record, "_rendered", None)
        attributes = record.__dict__
        if rendered is None:
            row = self.render(record)
        elif rendered[0] == self.key and _unchanged(self.snapshot, attributes, rendered[1]):
            row = list(rendered[2])
        else:
            row = self.render(record, again=True)
        for position, attname, stamp, convert in self.fixed_late:
            if stamp:
                value = now
                setattr(record, attname, now)
            else:
                value = attributes[attname] if attname in attributes \
                    else getattr(record, attname)
            row[position] = value if convert is None else convert(value)
        return row


def _unchanged(snapshot, attributes: dict, before: tuple) -> bool:
    try:
        return snapshot(attributes) == before
    except KeyError:
        return False


def insert_new_records(records: list[models.Model], user, later: tuple[str, ...] = ()) -> None:
    """Insert new *records* of one model, and their creation ("+") rows in the model's
    history by *user*, with ``executemany``. Each value goes through its field's own
    conversion — encrypted fields encrypt, blind indexes are computed — exactly as a save
    would; only the per-object ORM machinery is skipped. Records get their primary keys.
    Call inside a transaction, after validating the records. The rows of records made
    ready by :func:`preseal` are taken as they were made, with the fields named in
    *later* (the same as given to ``preseal``) read now — unless another value changed
    since: then the row is made again."""
    if not records:
        return
    model = type(records[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor not in ("sqlite", "postgresql"):  # pragma: no cover
        bulk_create_with_history(records, model, default_user=user)
        return
    for record, pk in zip(records, _next_ids(model, len(records), connection), strict=True):
        record.pk = pk
    now = timezone.now()  # one batch, one moment: auto_now(_add) fields all take it
    with crypto.pinned_keyring():
        plan = _RowPlan(model, connection, later)
        rows = [plan.row(record, now) for record in records]
        _executemany(model, plan.fields, rows, connection)
        history = getattr(model, "history", None)
        if history is not None:
            _insert_history(history.model, records, rows, plan.fields, user, connection)


def preseal(records: list[models.Model], later: tuple[str, ...] = ()) -> None:
    """Do ahead of :func:`insert_new_records` what needs no database, for new *records* of
    one model — in an import worker process, say, while the importing process writes:
    encrypt the identity fields for the record's table and its history table, compute the
    blind indexes and make each record's row. The fields named in *later* are read when
    writing; a record whose other values change meanwhile is written from its new values
    (encrypted again, its digests computed again)."""
    if not records:
        return
    model = type(records[0])
    connection = connections[router.db_for_write(model)]
    live = [(f.attname, f.sealer()) for f in model._meta.concrete_fields
            if getattr(f, "encrypted", False)]
    history = getattr(model, "history", None)
    names = {name for name, _seal in live}
    past = [(f.attname, f.sealer()) for f in history.model._meta.concrete_fields
            if f.attname in names] if history is not None else []
    plan = _RowPlan(model, connection, later)
    for record in records:
        values = record.__dict__
        sealed = {name: (values[name], seal(values[name])) for name, seal in live}
        record._history_sealed = {name: (values[name], seal(values[name]))
                                  for name, seal in past}
        row = plan.render(record, sealed)  # (which sets the blind indexes on the record)
        try:
            record._rendered = (plan.key, plan.snapshot(values), row)
        except KeyError:  # a value not loaded: the row is made when writing
            pass


def _values_of(names: list[str]):
    """A function giving the values of *names* from a dict, as a tuple (KeyError if any is
    missing) — ``itemgetter``, which gives a lone value unwrapped."""
    if len(names) == 1:
        return lambda values: (values[names[0]],)
    return operator.itemgetter(*names) if names else lambda values: ()


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
    # Each column's value: the key, the moment (auto_now fields), or the item's value or
    # the field's default (as Model(**values) would default) — converted, or as it is.
    # Values taken as they are come first, read all at once (an INSERT's column order is
    # free).
    defaults, plain, converted = {}, [], []  # converted: (field, attname, key?, converter)
    for field, convert in zip(fields, _preparers(fields, connection), strict=True):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            moment = now if convert is None else convert(now)
            converted.append((field, None, False, lambda _value, moment=moment: moment))
        elif field.primary_key:
            converted.append((field, None, True, convert))
        else:
            defaults[field.attname] = field.get_default()
            (plain if convert is None else converted).append((field, field.attname, False,
                                                               convert))
    fields = [step[0] for step in plain + converted]
    read = _values_of([attname for _field, attname, _key, _convert in plain])
    known = {f.attname for f in fields}  # (a key or a moment given is not used)
    rows = []
    for pk, values in zip(ids, items, strict=True):
        if not values.keys() <= known:
            raise TypeError(f"{model.__name__} has no field "
                            f"{sorted(values.keys() - known)[0]!r}")
        values = defaults | values
        row = list(read(values))
        for _field, attname, key, convert in converted:
            value = pk if key else values[attname] if attname is not None else None
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


def _stored(value, sealed: tuple | None, convert):
    """The stored form of an encrypted *value*: its ciphertext from :func:`preseal` while
    the value is still the one encrypted, else *convert* (the field's sealer) now."""
    if sealed is not None and sealed[0] == value:
        return sealed[1]
    return convert(value)


