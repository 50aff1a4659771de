"""Load countries, CTM regions and HTCDS picklists from palermo/core/data."""

from django.db import migrations

from palermo.core.reference_data import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
