"""Load the partner register shipped in palermo/programmes/data/partners.tsv."""

from django.db import migrations

from palermo.programmes.partners import load_register


def load(apps, schema_editor):
    load_register(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
