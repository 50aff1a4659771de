"""Blind indexes normalise confusable characters (issue 13), and identity text has a length.

1. The identity fields of a person get the maximum lengths the API already applied (names
   200, aliases and address 1,000, phone and identity number 100, email 200): imports and
   forms read them from the model. No database change (the columns hold ciphertext).
2. ``palermo.core.crypto.normalise`` now writes a letter that looks like an ASCII letter (a
   Cyrillic х among Latin letters) as that letter before hashing, so every person's
   blind-index digests are computed again with it: name, birth date, identity number and
   phone. Only rows whose digest changes are written (names in Latin letters keep theirs).
   History rows keep the digests they were written with: nothing searches them.

Reversing leaves the digests as they are: they follow the normalisation of the code in
force, so after going back to code without it, run this migration's function again with
that code (or restore the backup taken before upgrading).
"""

import palermo.core.fields
from django.db import migrations

BATCH = 1000


def recompute_blind_indexes(apps, schema_editor):
    """Every person's blind-index digests, as the normalisation in force computes them."""
    from palermo.core import crypto
    from palermo.core.fields import BlindIndexField

    Person = apps.get_model("cases", "Person")
    if not Person.objects.exists():
        return
    indexes = [f for f in Person._meta.concrete_fields if isinstance(f, BlindIndexField)]
    sources = sorted({s for f in indexes for s in f.sources})
    changed = []
    with crypto.pinned_keyring():
        people = Person.objects.only("pk", *sources, *(f.attname for f in indexes))
        for person in people.order_by("pk").iterator(chunk_size=BATCH):
            before = [getattr(person, f.attname) for f in indexes]
            after = [f.digest_for(*(getattr(person, s) for s in f.sources)) for f in indexes]
            if after != before:
                for field, digest in zip(indexes, after):
                    setattr(person, field.attname, digest)
                changed.append(person)
            if len(changed) >= BATCH:
                Person.objects.bulk_update(changed, [f.attname for f in indexes])
                changed = []
        if changed:
            Person.objects.bulk_update(changed, [f.attname for f in indexes])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_encrypt_place_and_purpose'),
    ]

    operations = [
        migrations.RunPython(recompute_blind_indexes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalperson',
            name='address',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=1000, verbose_name='address'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='aliases',
            field=palermo.core.fields.EncryptedTextField(blank=True, help_text='Nicknames, names in other scripts, former names', max_length=1000, verbose_name='other names used'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='email',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='family_name',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name='family name'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='given_name',
            field=palermo.core.fields.EncryptedTextField(max_length=200, verbose_name='given name'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='identity_number',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=100, verbose_name='identity document number'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='middle_name',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name='middle name'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='phone',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=100, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='person',
            name='address',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=1000, verbose_name='address'),
        ),
        migrations.AlterField(
            model_name='person',
            name='aliases',
            field=palermo.core.fields.EncryptedTextField(blank=True, help_text='Nicknames, names in other scripts, former names', max_length=1000, verbose_name='other names used'),
        ),
        migrations.AlterField(
            model_name='person',
            name='email',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='person',
            name='family_name',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name='family name'),
        ),
        migrations.AlterField(
            model_name='person',
            name='given_name',
            field=palermo.core.fields.EncryptedTextField(max_length=200, verbose_name='given name'),
        ),
        migrations.AlterField(
            model_name='person',
            name='identity_number',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=100, verbose_name='identity document number'),
        ),
        migrations.AlterField(
            model_name='person',
            name='middle_name',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=200, verbose_name='middle name'),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone',
            field=palermo.core.fields.EncryptedTextField(blank=True, max_length=100, verbose_name='phone'),
        ),
    ]
