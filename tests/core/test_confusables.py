"""Blind indexes write letters that look like ASCII letters as those letters (issue 13), and
the migration that brings existing digests to the new normalisation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import importlib
import unicodedata

from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from palermo.cases.duplicates import candidates
from palermo.cases.models import Person
from palermo.cases.services import register_person
from palermo.core import crypto

MIGRATION = importlib.import_module("palermo.cases.migrations.0009_confusable_blind_index")


def test_confusable_letters_are_written_as_the_ascii_letter():
    assert crypto.normalise("Ale\u0445ander") == "alexander"  # Cyrillic х
    assert crypto.normalise("\u0410\u0434\u0430\u0435\u0437\u0435") == crypto.normalise(
        "\u0430\u0434\u0430\u0435\u0437\u0435")  # Cyrillic capitals and small letters
    assert crypto.normalise("\u039f\u03bb\u03b3\u03b1") == crypto.normalise(
        "\u03bf\u03bb\u03b3\u03b1")  # Greek
    assert crypto.normalise("I\u015f\u0131k") == crypto.normalise("ISIK") == "isik"


def test_ascii_text_is_normalised_as_before():
    assert crypto.normalise("  Amina   BELLO ") == "amina bello"
    assert crypto.normalise("Ámína  Bello") == "amina bello"


CYRILLIC_GREEK_LATIN = st.text(st.characters(
    whitelist_categories=("Lu", "Ll"),
    min_codepoint=0x41, max_codepoint=0x44F).filter(lambda c: c.isalpha()), max_size=12)


@given(CYRILLIC_GREEK_LATIN)
def test_case_does_not_change_the_digest(text):
    assert crypto.normalise(text.upper()) == crypto.normalise(text.lower())


@given(st.text(max_size=20))
def test_normalising_twice_changes_nothing(text):
    once = crypto.normalise(text)
    assert crypto.normalise(once) == once


def _old_digest(text: str, purpose: str) -> str:
    """The digest before issue 13 (no confusable mapping)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    message = f"{purpose}\x00{' '.join(stripped.casefold().split())}".encode()
    return hmac.new(crypto.keyring().index_key, message, hashlib.sha256).hexdigest()


def test_the_migration_recomputes_digests_written_the_old_way(cast):
    spoofed = register_person(cast.amina, given_name="Ale\u0445ander", family_name="Bello",
                              birth_date=dt.date(1990, 1, 1))
    plain = register_person(cast.amina, given_name="Ngozi", family_name="Eze")
    old = _old_digest("Ale\u0445ander Bello", "person-name")
    Person.objects.filter(pk=spoofed.pk).update(name_index=old)
    plain_index = Person.objects.get(pk=plain.pk).name_index
    # Before: the Latin spelling does not find the person registered with a Cyrillic х.
    assert not candidates(cast.amina, given_name="Alexander", family_name="Bello")

    MIGRATION.recompute_blind_indexes(apps, None)  # the function does not use the editor

    assert Person.objects.get(pk=spoofed.pk).name_index != old
    assert Person.objects.get(pk=plain.pk).name_index == plain_index
    [found] = candidates(cast.amina, given_name="Alexander", family_name="Bello",
                         birth_date=dt.date(1990, 1, 1))
    assert found.person.pk == spoofed.pk and found.strong
