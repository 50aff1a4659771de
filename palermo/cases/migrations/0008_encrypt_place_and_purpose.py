# An event's place and a payment's purpose are free text about a person's case: they are
# encrypted at rest like notes and descriptions (docs/privacy.md). The columns become
# encrypted text fields, then every existing value — history rows included — is encrypted
# in place. Backwards, the values are decrypted again before the columns go back.

import django.core.validators
from django.db import migrations

import palermo.core.fields

# (model, primary key column, field) of every table holding the two texts.
TABLES = [("traffickingevent", "id", "place"), ("historicaltraffickingevent", "history_id", "place"),
          ("disbursement", "id", "purpose"), ("historicaldisbursement", "history_id", "purpose")]


def _rows(schema_editor, model, key, field):
    table = schema_editor.connection.ops.quote_name(model._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, {field} FROM {table} WHERE {field} <> ''")  # noqa: S608
        return cursor.fetchall()


def encrypt(apps, schema_editor):
    """Read each plaintext with SQL (the model would try to decrypt it) and save it through
    the model, whose field encrypts it for its own table."""
    alias = schema_editor.connection.alias
    for name, key, field in TABLES:
        model = apps.get_model("cases", name)
        for pk, text in _rows(schema_editor, model, key, field):
            model.objects.using(alias).filter(pk=pk).update(**{field: text})


def decrypt(apps, schema_editor):
    """Read each value through the model (decrypted) and write the plaintext with SQL."""
    alias = schema_editor.connection.alias
    for name, key, field in TABLES:
        model = apps.get_model("cases", name)
        table = schema_editor.connection.ops.quote_name(model._meta.db_table)
        rows = model.objects.using(alias).values_list("pk", field)  # cannot filter on it
        with schema_editor.connection.cursor() as cursor:
            for pk, text in [row for row in rows if row[1]]:
                cursor.execute(f"UPDATE {table} SET {field} = %s WHERE {key} = %s",  # noqa: S608
                               [text, pk])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_fewer_write_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='disbursement',
            name='purpose',
            field=palermo.core.fields.EncryptedTextField(max_length=200, validators=[django.core.validators.MaxLengthValidator(200)], verbose_name='purpose'),
        ),
        migrations.AlterField(
            model_name='historicaldisbursement',
            name='purpose',
            field=palermo.core.fields.EncryptedTextField(max_length=200, validators=[django.core.validators.MaxLengthValidator(200)], verbose_name='purpose'),
        ),
        migrations.AlterField(
            model_name='historicaltraffickingevent',
            name='place',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=120, validators=[django.core.validators.MaxLengthValidator(120)], verbose_name='city or place'),
        ),
        migrations.AlterField(
            model_name='traffickingevent',
            name='place',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=120, validators=[django.core.validators.MaxLengthValidator(120)], verbose_name='city or place'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
