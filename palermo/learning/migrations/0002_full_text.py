"""Full-text search for publications and lessons (palermo.learning.search), per database:

* SQLite: an FTS5 table per model with external content (it indexes the model's own table)
  and triggers that keep it in step with every insert, update and delete; the bm25 column
  weights are the table's ``rank`` option.
* PostgreSQL: a trigger that computes ``search_vector`` (title A, second column B, third C,
  ``english`` configuration) before every insert and update, and a GIN index on it.

Each statement runs only on its own database. Note for later migrations: on SQLite, Django
alters a table by rebuilding it, which drops its triggers — a migration that alters
``learning_publication`` or ``learning_lesson`` must re-create them (the search tests fail
if it does not).
"""

from django.db import migrations

# (table, FTS5 table, indexed columns heaviest first, bm25 weights)
INDEXED = [
    ("learning_publication", "learning_publication_fts", ("title", "authors", "summary"),
     (10.0, 4.0, 1.0)),
    ("learning_lesson", "learning_lesson_fts", ("title", "description", "evidence"),
     (10.0, 2.0, 1.0)),
]


class RunSQLOn(migrations.RunSQL):
    """RunSQL on one database vendor only (``sqlite`` or ``postgresql``)."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def sqlite_statements(table, fts, columns, weights):
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    remove = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
    bm25 = ", ".join(str(w) for w in weights)
    forwards = [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        f"INSERT INTO {fts}({fts}, rank) VALUES ('rank', 'bm25({bm25})')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} "
        f"BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]
    backwards = [f"DROP TRIGGER IF EXISTS {fts}_{event}"
                 for event in ("insert", "delete", "update")] + [f"DROP TABLE IF EXISTS {fts}"]
    return forwards, backwards


def postgresql_statements(table, columns):
    weighted = " || ".join(
        f"setweight(to_tsvector('english', coalesce(NEW.{column}, '')), '{weight}')"
        for column, weight in zip(columns, "ABC", strict=True))
    function = f"{table}_search_vector"
    forwards = [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN NEW.search_vector := {weighted}; RETURN NEW; END $$",
        f"CREATE TRIGGER {function} BEFORE INSERT OR UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"CREATE INDEX {table}_search ON {table} USING gin (search_vector)",
        f"UPDATE {table} SET search_vector = NULL",  # rows already there: the trigger fills
    ]
    backwards = [f"DROP INDEX IF EXISTS {table}_search",
                 f"DROP TRIGGER IF EXISTS {function} ON {table}",
                 f"DROP FUNCTION IF EXISTS {function}()"]
    return forwards, backwards


def operations():
    ops = []
    for table, fts, columns, weights in INDEXED:
        forwards, backwards = sqlite_statements(table, fts, columns, weights)
        ops.append(RunSQLOn("sqlite", forwards, backwards))
        forwards, backwards = postgresql_statements(table, columns)
        ops.append(RunSQLOn("postgresql", forwards, backwards))
    return ops


class Migration(migrations.Migration):

    dependencies = [("learning", "0001_initial")]

    operations = operations()
